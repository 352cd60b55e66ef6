// The small surface simq needs from a driven browser, implemented once over playwright-core (Chromium,
// CDP) and once over puppeteer-core (Firefox, WebDriver BiDi), so the capture code is the same for both.

export const BROWSERS = ['chromium', 'firefox'] as const;
export type BrowserName = (typeof BROWSERS)[number];

export interface DriverPage {
  goto(url: string, timeoutMs: number): Promise<void>;
  /** Runs fn in the page with one serialisable argument. */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Resolves once globalThis has `name` (the harness page's api is installed). */
  waitForGlobal(name: string, timeoutMs: number): Promise<void>;
  onPageError(listener: (message: string) => void): void;
}

export interface DriverBrowser {
  name: BrowserName;
  /** e.g. "156.0.8078.79" or "153.8.0esr" */
  version: string;
  newPage(): Promise<DriverPage>;
  onDisconnected(listener: () => void): void;
  close(): Promise<void>;
}

export interface LaunchOptions {
  executablePath: string;
  /** Chromium only: the Y4M its fake camera plays (Firefox plays the clip in the page instead). */
  fakeCaptureY4m?: string;
  timeoutMs: number;
  /** Added to the browser's environment (the namespace wrapper's values, src/link/NetSandbox.ts). */
  env?: Record<string, string>;
  /** Extra command-line flags. */
  extraArgs?: string[];
  /**
   * An http origin to treat as secure (a page served on a veth address, where encoded transforms and
   * getUserMedia need a secure context): Chromium's --unsafely-treat-insecure-origin-as-secure,
   * Firefox's dom.securecontext.allowlist.
   */
  secureOrigin?: string;
}

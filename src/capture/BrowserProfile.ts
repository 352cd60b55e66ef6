// What simq does differently per browser, in one place: how the browser is found and launched, how it
// sizes each encoding, what the loopback page needs to give it the clip, whether libwebrtc's allocation
// model predicts it, and what simq derives for what it does not report. chromiumProfile.ts and
// firefoxProfile.ts are the two; callers ask browserProfile(name) instead of comparing names.
import type { DerivedLayer, SteadyState } from '../rundir/RunTypes.js';
import type { LayerFrameRow } from '../rundir/CsvTypes.js';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import type { ChromeSource } from '../tools/chrome.js';
import type { FirefoxSource } from '../tools/firefox.js';
import type { BrowserName, DriverBrowser, LaunchOptions } from './BrowserDriverTypes.js';
import type { PageCaptureConfig } from './page/protocol.js';
import { chromiumProfile } from './chromiumProfile.js';
import { firefoxProfile } from './firefoxProfile.js';

/** The browser binaries the user named (--chrome, --firefox), or recorded in a run. */
export interface BrowserPaths {
  chrome?: string;
  firefox?: string;
}

export interface BrowserLocation {
  path: string;
  /** How it was found: 'flag', 'CHROME_PATH' / 'FIREFOX_PATH', 'standard location' or 'PATH'. */
  source: ChromeSource | FirefoxSource;
}

/** One encoding's configured size for an input, and whether the browser sends it at all. */
export interface LayerSize {
  width: number;
  height: number;
  sent: boolean;
}

export interface BrowserProfile {
  name: BrowserName;
  /** How messages name it: "Chromium", "Firefox". */
  label: string;
  /** What the capture summary puts before the version: nothing for Chromium (as before Firefox), "Firefox ". */
  versionPrefix: string;
  /** The fix line when it is not found or does not start. */
  installFix: string;
  /** Its binary: the path given for it, its environment variable, then the standard locations. */
  locate(paths: BrowserPaths, env: NodeJS.ProcessEnv): BrowserLocation;
  /**
   * Starts it for simq: headless, with simq's flags or prefs, and without the drivers' own signal
   * handlers (they would kill the browser and exit the process on Ctrl-C before simq can mark the run
   * incomplete and keep what finished).
   */
  launch(options: LaunchOptions): Promise<DriverBrowser>;
  /**
   * Whether simq can drive it inside the sender's network namespace (a shaped uplink, src/link/).
   * Chromium's driver talks over a pipe, which crosses namespaces; Firefox's over a TCP port of 127.0.0.1.
   */
  drivenInNamespace: boolean;
  /** Why a codec may be missing from its encoders, where simq knows (assertEncodable). */
  missingCodecNotes: Partial<Record<Codec, string>>;
  /** Each encoding's configured size for this input (the browser's own stream table). */
  layerSizes(
    codec: Codec,
    input: { width: number; height: number },
    encodings: readonly RtpEncodingParameters[],
  ): LayerSize[];
  /** Whether the page plays the clip from a prepared feed (input/prepareFeed.ts) instead of a fake camera. */
  playsFeed: boolean;
  /** What plays the clip as the camera, as messages name it: "fake camera" or "page's clip". */
  cameraName: string;
  /** What the loopback page's config needs for this browser (nothing for Chromium: its camera is the clip). */
  pageConfig(): Pick<PageCaptureConfig, 'browser' | 'feedUrl'>;
  /** Whether libwebrtc's allocation model (src/allocation/, simq plan) predicts its layers. */
  predictedByAllocationModel: boolean;
  /**
   * What simq derives for a layer in place of what the browser does not report (run.json layers[].derived);
   * absent when the browser reports it all.
   */
  deriveLayer?(
    encodings: readonly RtpEncodingParameters[],
    index: number,
    input: { width: number; height: number },
    fps: number,
    frames: readonly LayerFrameRow[],
    steady: SteadyState | undefined,
  ): DerivedLayer;
}

const PROFILES: Record<BrowserName, BrowserProfile> = { chromium: chromiumProfile, firefox: firefoxProfile };

/** The profile of a scenario's browser; a scenario without one runs in Chromium. */
export function browserProfile(name: BrowserName = 'chromium'): BrowserProfile {
  return PROFILES[name];
}

// Putting text inside <script> elements safely. The HTML parser ends a script at the first "</script"
// whatever the JavaScript around it means, and "<!--" can switch it into an escaped state.

/** JSON for a <script type="application/json">: "<" becomes \u003c (same value once parsed). */
export function escapeJsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** JavaScript source for an inline <script>: "</script" and "<!--" broken up ("<\/" is "</" in strings and regexes). */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

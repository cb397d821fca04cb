/** Syntax highlighting for code cells and fenced code in Markdown (highlight.js, TypeScript and a few more). */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import typescript from "highlight.js/lib/languages/typescript";
import { escapeHtml } from "../../charts/html";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("python", python);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerAliases(["ts", "tsx"], { languageName: "typescript" });

/**
 * A complete `<pre><code>` block, highlighted (spans with hljs classes) for `language`, the first
 * word of a fence's info string; escaped plain text for unknown languages.
 */
export function codeBlock(code: string, language = "typescript"): string {
  const name = language.trim().split(/\s+/)[0] || "text";
  const text = code.replace(/\n$/, "");
  const html = hljs.getLanguage(name.toLowerCase()) ? hljs.highlight(text, { language: name.toLowerCase(), ignoreIllegals: true }).value : escapeHtml(text);
  return `<pre class="code"><code class="hljs language-${escapeHtml(name)}">${html}</code></pre>`;
}

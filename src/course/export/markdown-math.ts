/**
 * A markdown-it plugin for TeX math, rendered to HTML by KaTeX at build time (no script in the page):
 *
 * - `$$ … $$` starting a line is a display block (it may span lines, up to a line ending in `$$`);
 * - `$$ … $$` inside a paragraph is display math too;
 * - `$ … $` is inline math: an unescaped `$` up to the next one, as Jupyter pairs them (so a lesson
 *   looks the same here as in the notebook); `\$` is a dollar sign, and math never spans a code span.
 *
 * The rules run before markdown-it's own escape and emphasis rules, so `\,`, `_` and `*` inside the
 * math reach KaTeX untouched. A formula KaTeX cannot parse is shown as its source, marked as an error.
 */
import katex from "katex";
import type MarkdownIt from "markdown-it";
import { escapeHtml } from "../../charts/html";

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;

/** TeX → HTML with KaTeX; on a TeX error, the source in a marked span (and never a thrown error). */
export function renderTex(tex: string, displayMode: boolean): string {
  try {
    return katex.renderToString(tex, { displayMode, throwOnError: true, output: "html", strict: "ignore" });
  } catch (error) {
    const message = (error as Error).message;
    const tag = displayMode ? "div" : "span";
    return `<${tag} class="math-error" title="${escapeHtml(message)}">${escapeHtml(displayMode ? `$$${tex}$$` : `$${tex}$`)}</${tag}>`;
  }
}

/** Index of the next unescaped `$$` at or after `from`, or -1. */
function findDoubleDollar(src: string, from: number, end: number): number {
  for (let i = from; i < end - 1; i++) {
    const code = src.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === DOLLAR && src.charCodeAt(i + 1) === DOLLAR) return i;
  }
  return -1;
}

/** Push one inline math token (unless markdown-it is only testing for a match) and move past it. */
function pushMath(state: MarkdownIt.StateInline, silent: boolean, type: string, content: string, markup: string, next: number): true {
  if (!silent) {
    const token = state.push(type, "math", 0);
    token.content = content;
    token.markup = markup;
  }
  state.pos = next;
  return true;
}

function mathInline(state: MarkdownIt.StateInline, silent: boolean): boolean {
  const { src, posMax } = state;
  const start = state.pos;
  if (src.charCodeAt(start) !== DOLLAR) return false;
  if (start > 0 && src.charCodeAt(start - 1) === BACKSLASH) return false;

  if (src.charCodeAt(start + 1) === DOLLAR) {
    const close = findDoubleDollar(src, start + 2, posMax);
    if (close < 0 || close === start + 2) return false;
    return pushMath(state, silent, "math_inline_display", src.slice(start + 2, close), "$$", close + 2);
  }

  if (start + 1 >= posMax) return false;
  for (let i = start + 1; i < posMax; i++) {
    const code = src.charCodeAt(i);
    if (code === BACKSLASH) {
      i++;
      continue;
    }
    if (code === BACKTICK) return false; // math never runs into a code span
    if (code !== DOLLAR) continue;
    if (i === start + 1) return false; // "$$" handled above; an empty "$ $" pair is not math
    return pushMath(state, silent, "math_inline", src.slice(start + 1, i), "$", i + 1);
  }
  return false;
}

function mathBlock(state: MarkdownIt.StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineStart = state.bMarks[startLine] + state.tShift[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false; // indented code
  const src = state.src;
  if (src.charCodeAt(lineStart) !== DOLLAR || src.charCodeAt(lineStart + 1) !== DOLLAR) return false;

  // The block ends on the first line that ends with $$ (possibly the first line itself).
  let line = startLine;
  let closeAt = -1;
  for (; line < endLine; line++) {
    const from = line === startLine ? lineStart + 2 : state.bMarks[line] + state.tShift[line];
    const to = state.eMarks[line];
    if (line > startLine && state.isEmpty(line)) return false; // a blank line ends the search: not a block
    const text = src.slice(from, to).trimEnd();
    if (text.endsWith("$$") && !(line === startLine && text.length === 0)) {
      closeAt = from + text.length - 2;
      break;
    }
  }
  if (closeAt < 0) return false;
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = src.slice(lineStart + 2, closeAt);
  token.markup = "$$";
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

export function mathPlugin(md: InstanceType<typeof MarkdownIt>): void {
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  md.renderer.rules.math_inline = (tokens, idx) => renderTex(tokens[idx].content, false);
  md.renderer.rules.math_inline_display = (tokens, idx) => renderTex(tokens[idx].content, true);
  md.renderer.rules.math_block = (tokens, idx) => `<div class="math-block">${renderTex(tokens[idx].content, true)}</div>\n`;
}

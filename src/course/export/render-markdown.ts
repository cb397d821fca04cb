/**
 * Markdown cells → HTML: markdown-it (CommonMark + tables, raw HTML allowed: lessons are authored
 * by the course), TeX math rendered by KaTeX at build time, fenced code highlighted.
 */
import MarkdownIt from "markdown-it";
import { codeBlock } from "./highlight-code";
import { mathPlugin } from "./markdown-math";

type Markdown = InstanceType<typeof MarkdownIt>;

let instance: Markdown | undefined;

function markdown(): Markdown {
  if (instance) return instance;
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.use(mathPlugin);
  // Fences: ```ts {static} → language "ts"; the whole <pre> comes from codeBlock.
  md.renderer.rules.fence = (tokens, idx) => codeBlock(tokens[idx].content, tokens[idx].info) + "\n";
  instance = md;
  return md;
}

export function renderMarkdown(source: string): string {
  return markdown().render(source);
}

/** One line of Markdown (an objective, a title) without the surrounding <p>. */
export function renderMarkdownInline(source: string): string {
  return markdown().renderInline(source);
}

/** The generated first cell of every notebook: the lesson title, duration and objectives. */
import type { FrontMatter } from "./model";

export function headerMarkdown(frontMatter: FrontMatter, lessonNumber: number | null): string {
  const lines = [lessonNumber === null ? `# ${frontMatter.title}` : `# Lesson ${lessonNumber} · ${frontMatter.title}`];
  const minutes = frontMatter.minutes;
  if (typeof minutes === "number") lines.push("", `*About ${minutes} minutes.*`);
  const objectives = frontMatter.objectives;
  if (Array.isArray(objectives) && objectives.length > 0) {
    lines.push("", "**Learning objectives.** By the end of this lesson you can:", "", ...objectives.map((o) => `- ${o}`));
  }
  return lines.join("\n");
}

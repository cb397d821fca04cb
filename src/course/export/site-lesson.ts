/** What the site needs to know about one lesson, read from its notebook's bnlab metadata. */
import type { Notebook } from "../notebook/nbformat";
import { readNotebookMetadata } from "../lesson/bnlab-metadata";
import { lessonNumber } from "../lesson/lesson-name";

export interface SiteLesson {
  /** `03-running-averages` */
  name: string;
  /** The page, relative to the site root: `03-running-averages.html` */
  href: string;
  title: string;
  /** From the NN- prefix; null if the name has none. */
  number: number | null;
  minutes?: number;
  objectives: string[];
}

export function siteLesson(notebook: Notebook, fallbackName: string): SiteLesson {
  const meta = readNotebookMetadata(notebook.metadata);
  const name = meta?.lesson ?? fallbackName;
  const front = meta?.front_matter;
  const listed = front?.objectives;
  const objectives = Array.isArray(listed) ? listed.filter((o): o is string => typeof o === "string") : [];
  return {
    name,
    href: `${name}.html`,
    title: typeof front?.title === "string" ? front.title : name,
    number: lessonNumber(name),
    ...(typeof front?.minutes === "number" ? { minutes: front.minutes } : {}),
    objectives,
  };
}

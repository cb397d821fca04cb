import { collectionCell } from "../../src/course/homework/collection";
import type { Output } from "../../src/course/notebook/nbformat";

/** The MIME type a collection cell sends its data as, read from the cell the grader runs in the kernel. */
const SENT_AS = JSON.parse(/\.raw\(("[^"]+")/.exec(collectionCell({ checker: "normalize", expression: "normalize" }, "seed"))?.[1] ?? '""') as string;

/** An output as a collection cell sends it: `text` (the collected data's JSON) as display data of its type. */
export function collectedOutput(text: string): Output {
  return { output_type: "display_data", data: { [SENT_AS]: text }, metadata: {} };
}

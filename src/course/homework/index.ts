/** Homework: release lessons to learners, grade their notebooks, give feedback. See docs/homework.md. */
export { releaseLessons, secretLines, type ReleaseOptions, type ReleaseResult } from "./release";
export { readManifest, MANIFEST_FILE, type Manifest, type ManifestLesson, type ManifestExercise } from "./manifest";
export { loadLessonSource, resolveLessonFile, listLessonFiles, type LessonSource, type LessonExercise, type GradedCell } from "./lesson-source";
export { collectSubmissions, readSubmissions, type Submission, type CollectResult } from "./collect-submissions";
export { extractAnswers, type ExtractedAnswer, type ExtractResult, type AnswerState } from "./extract-solutions";
export { gradeNotebook, DEFAULT_LIMITS, type GradeLimits, type SubmissionGrade, type AnswerRun } from "./grade-notebook";
export { gradeBatch, type GradeBatchOptions, type GradeBatchResult, type ProgressEvent } from "./grade-batch";
export { scoreCheck, scoreExercise, type CellRun, type CheckOutcome, type ExerciseResult } from "./scoring";
export { gradebookCsv, gradebookColumns } from "./gradebook-csv";
export { renderFeedbackPageSafely, feedbackFileNames } from "./feedback-page";
export { lateness, validateLatePolicy, type LatePolicy, type Lateness } from "./late-policy";
export { gradescopeResults, canvasCsv, type GradescopeResults, type GradescopeTest } from "./lms-export";
export { runPool } from "./worker-pool";

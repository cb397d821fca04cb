export * from "./course-sync";
export * from "./hub-config";
export * from "./hub-process";
export * from "./hub-setup";
export * from "./learner-course";
export * from "./marked-processes";
export * from "./collect-from-homes";

/**
 * The mistakes an exercise checker recognises and names (shared/COURSE.md, "Misconceptions an
 * exercise checker must recognise and name"), plus a few close relatives the checkers also catch.
 * A checker may replace the explanation with a sentence about its own exercise.
 */
export type MisconceptionId =
  // from the course plan
  | "wrong-axis"
  | "unbiased-variance"
  | "biased-running-variance"
  | "eps-forgotten"
  | "eps-outside-sqrt"
  | "gamma-beta-swapped"
  | "affine-before-normalize"
  | "momentum-reversed"
  | "running-updated-in-eval"
  | "batch-stats-in-eval"
  | "backward-constant-stats"
  | "forgot-eval"
  | "batch-of-one"
  // close relatives
  | "backward-missing-mean-term"
  | "backward-missing-variance-term"
  | "variance-std-confusion"
  | "affine-missing"
  | "running-stats-in-training"
  | "mode-not-restored"
  | "cumulative-off-by-one"
  | "mean-spread-one-over-b"
  | "mean-spread-constant"
  // lesson 8: batch norm in convolutional networks
  | "per-position-statistics"
  | "per-example-statistics"
  | "per-instance-statistics"
  | "reshape-without-transpose"
  | "fold-mean-forgotten"
  | "fold-bias-unscaled"
  | "output-size-padding-once"
  | "output-size-off-by-one"
  | "output-size-rounding";

export interface Misconception {
  id: MisconceptionId;
  /** A few words, e.g. "unbiased variance used to normalize". */
  name: string;
  /** What the mistake is and what is right, in one or two sentences addressed to the learner. */
  explanation: string;
}

const list: Misconception[] = [
  {
    id: "wrong-axis",
    name: "statistics over the wrong axis",
    explanation:
      "Your statistics are taken per example (across the features of each row, axis 1). Batch norm takes them per feature, " +
      "over the examples of the batch (down each column, axis 0): μ and σ² are 1×D rows, e.g. x.meanRows().",
  },
  {
    id: "unbiased-variance",
    name: "unbiased variance used to normalize",
    explanation:
      "Your variance divides by N−1 (the unbiased estimate): batch norm normalizes with the biased variance, dividing by N.",
  },
  {
    id: "biased-running-variance",
    name: "biased variance stored in the running variance",
    explanation:
      "Your running variance is updated with the biased batch variance (divided by N). PyTorch normalizes with the biased " +
      "variance but stores the unbiased one, N/(N−1)·σ², in running_var.",
  },
  {
    id: "eps-forgotten",
    name: "ε forgotten",
    explanation:
      "ε is missing: divide by √(σ² + ε), not by √σ². Without it a feature with (almost) zero variance divides by (almost) zero.",
  },
  {
    id: "eps-outside-sqrt",
    name: "ε added outside the square root",
    explanation:
      "ε is added outside the square root, (x − μ)/(σ + ε): batch norm divides by √(σ² + ε). The two differ most for " +
      "features with a small variance.",
  },
  {
    id: "gamma-beta-swapped",
    name: "γ and β swapped",
    explanation: "γ and β are swapped: γ scales and β shifts, y = γ·x̂ + β (not β·x̂ + γ).",
  },
  {
    id: "affine-before-normalize",
    name: "γ and β applied before normalizing",
    explanation:
      "γ and β are applied before normalizing, so the normalization undoes them. Normalize first, then y = γ·x̂ + β.",
  },
  {
    id: "momentum-reversed",
    name: "momentum convention reversed",
    explanation:
      "Your momentum weights the old value: running = m·running + (1 − m)·batch. In PyTorch's convention momentum is the " +
      "weight of the NEW batch: running = (1 − m)·running + m·batch, so 0.1 moves 10% of the way.",
  },
  {
    id: "running-updated-in-eval",
    name: "running statistics updated in eval mode",
    explanation:
      "The running statistics changed in evaluation mode. Only training updates them; evaluation only reads them.",
  },
  {
    id: "batch-stats-in-eval",
    name: "batch statistics used in eval mode",
    explanation:
      "In evaluation mode you normalize with the statistics of the batch. Evaluation uses the running averages, so an " +
      "example's output does not depend on the other examples in its batch (and a single example works).",
  },
  {
    id: "backward-constant-stats",
    name: "backward pass treats μ and σ² as constants",
    explanation:
      "Your dx is dy·γ/√(σ² + ε), as if μ and σ² were constants. In training they are functions of the whole batch, so dx " +
      "has two more terms: dx = (N·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)) / (N·√(σ² + ε)), with dx̂ = dy·γ.",
  },
  {
    id: "forgot-eval",
    name: "forgetting eval() before measuring test accuracy",
    explanation:
      "The model was still in training mode while you measured accuracy: batch norm used the test batch's statistics (and " +
      "updated its running averages with test data). Call model.eval() before evaluating.",
  },
  {
    id: "batch-of-one",
    name: "BN applied to a batch of one in training mode",
    explanation:
      "A batch of one cannot be normalized in training: its variance is 0, so x̂ = 0 whatever the input. PyTorch raises an " +
      "error (\"Expected more than 1 value per channel when training\"), and so should you.",
  },
  {
    id: "backward-missing-mean-term",
    name: "backward pass omits the term through μ",
    explanation:
      "Your dx omits the path through μ: it is missing −Σdx̂ (the sum over the batch of dx̂ = dy·γ), divided by N·√(σ² + ε).",
  },
  {
    id: "backward-missing-variance-term",
    name: "backward pass omits the term through σ²",
    explanation:
      "Your dx omits the path through σ²: it is missing −x̂·Σ(dx̂·x̂), divided by N·√(σ² + ε).",
  },
  {
    id: "variance-std-confusion",
    name: "variance and standard deviation confused",
    explanation: "A variance is used where a standard deviation belongs (or the other way round): σ = √σ².",
  },
  {
    id: "affine-missing",
    name: "γ and β not applied",
    explanation: "You return x̂: the output is y = γ·x̂ + β.",
  },
  {
    id: "running-stats-in-training",
    name: "running statistics used in training mode",
    explanation:
      "In training mode you normalize with the running averages. Training normalizes with the batch's own μ and σ² (and then " +
      "updates the running averages with them).",
  },
  {
    id: "mode-not-restored",
    name: "model left in evaluation mode",
    explanation:
      "The model was left in evaluation mode: the next training step would normalize with the running statistics and stop " +
      "updating them. Call model.train() again when you are done (or save model.training and restore it).",
  },
  {
    id: "cumulative-off-by-one",
    name: "cumulative average off by one",
    explanation:
      "With momentum = null the running value is the plain average of all batches so far: the k-th batch gets weight 1/k, " +
      "where k counts this batch (num_batches_tracked after it is incremented).",
  },
  {
    id: "mean-spread-one-over-b",
    name: "spread of the batch mean shrinks like 1/B",
    explanation:
      "The standard deviation of a mean of B independent samples is σ/√B, not σ/B: its variance is σ²/B. Four times the " +
      "batch halves the noise.",
  },
  {
    id: "mean-spread-constant",
    name: "spread of the batch mean does not shrink",
    explanation:
      "σ is the spread of one sample. The mean of B independent samples is less noisy: its standard deviation is σ/√B.",
  },
  {
    id: "per-position-statistics",
    name: "statistics per position (over N only)",
    explanation:
      "You computed a separate μ and σ² for every channel AND position (c, h, w), over the N images only — what lesson 1's " +
      "batch norm gives on the N × (C·H·W) flattened batch. A channel is one feature seen at every position: BatchNorm2d " +
      "takes one μ and σ² per channel over all N·H·W numbers.",
  },
  {
    id: "per-example-statistics",
    name: "statistics per example (LayerNorm's axes)",
    explanation:
      "You normalized each image over its own C·H·W numbers: that is LayerNorm (GroupNorm with one group). Batch norm " +
      "takes each channel's statistics across the whole batch: over N, H and W.",
  },
  {
    id: "per-instance-statistics",
    name: "statistics per image and channel (InstanceNorm's axes)",
    explanation:
      "You normalized each channel of each image over its H·W positions only: that is InstanceNorm. Batch norm also " +
      "pools over the N images: one μ and σ² per channel over N·H·W numbers.",
  },
  {
    id: "reshape-without-transpose",
    name: "reshaped to (N·H·W) × C without moving C last",
    explanation:
      "Reading the NCHW memory directly as rows of C numbers mixes channels and positions: a row is C consecutive " +
      "pixels of one channel, not one pixel of C channels. Move C last first (index ((n·H + h)·W + w, c)), normalize " +
      "the columns, and move it back.",
  },
  {
    id: "fold-mean-forgotten",
    name: "running mean left out of the folded bias",
    explanation: "Eval-mode BN subtracts running_mean before scaling: the folded bias is s·(b − running_mean) + β, not s·b + β.",
  },
  {
    id: "fold-bias-unscaled",
    name: "folded bias not scaled",
    explanation: "BN scales (b − running_mean) by s = γ/√(running_var + ε) too: the folded bias is s·(b − running_mean) + β.",
  },
  {
    id: "output-size-padding-once",
    name: "padding counted on one side",
    explanation: "Padding adds zeros on BOTH sides of the axis: the padded size is size + 2·padding.",
  },
  {
    id: "output-size-off-by-one",
    name: "the first position not counted",
    explanation:
      "(size + 2·padding − k)/stride counts the steps the window can take; the number of positions is one more: " +
      "⌊(size + 2·padding − k)/stride⌋ + 1.",
  },
  {
    id: "output-size-rounding",
    name: "output size not rounded down",
    explanation: "A window that would hang over the edge is not used: round (size + 2·padding − k)/stride DOWN, then add 1.",
  },
];

/** The catalogue, keyed by id. */
export const MISCONCEPTIONS: Readonly<Record<MisconceptionId, Misconception>> = Object.freeze(
  Object.fromEntries(list.map((m) => [m.id, m])) as Record<MisconceptionId, Misconception>,
);

/** All ids, in catalogue order. */
export const MISCONCEPTION_IDS: readonly MisconceptionId[] = list.map((m) => m.id);

export function misconception(id: MisconceptionId): Misconception {
  return MISCONCEPTIONS[id];
}

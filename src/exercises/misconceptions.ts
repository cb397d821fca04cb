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
  // lesson 7: probes of the landscape, gradient ICS, ghost batch norm
  | "probe-ascent"
  | "probe-norm-difference"
  | "probe-cumulative-steps"
  | "beta-per-step-size"
  | "beta-mean-not-max"
  | "ics-own-layer-updated"
  | "ics-layers-above"
  | "ics-all-layers-updated"
  | "ics-dot-not-cosine"
  | "ghost-whole-batch"
  | "ghost-strided"
  | "ghost-remainder-skipped";

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
  // lesson 7
  {
    id: "probe-ascent",
    name: "stepped up the gradient",
    explanation:
      "Your probe moves to θ + η·g, uphill. Gradient descent, and the paper's probe, move against the gradient: θ' = θ − η·g.",
  },
  {
    id: "probe-norm-difference",
    name: "difference of norms instead of norm of the difference",
    explanation:
      "You measured |‖g'‖ − ‖g‖|, which is 0 for a gradient that keeps its length but turns around. The change of the gradient is ‖g' − g‖: " +
      "subtract the vectors first, then take the norm.",
  },
  {
    id: "probe-cumulative-steps",
    name: "probe steps taken one after another",
    explanation:
      "Each probe must start from the same θ: θ' = θ − η·g for each η on its own. Yours keeps moving from the previous probe point, " +
      "so the k-th probe sits at θ − (η₁ + … + η_k)·g.",
  },
  {
    id: "beta-per-step-size",
    name: "β divided by the step size, not the distance",
    explanation:
      "β-smoothness compares the gradient's change with the distance moved, ‖θ' − θ‖ = η·‖g‖, not with η alone: β = max ‖g' − g‖ / (η·‖g‖).",
  },
  {
    id: "beta-mean-not-max",
    name: "β averaged instead of maximised",
    explanation:
      "The effective β-smoothness is the WORST case along the probe: the largest ratio ‖g' − g‖ / (η·‖g‖) over the step sizes, not their mean.",
  },
  {
    id: "ics-own-layer-updated",
    name: "the layer itself was updated too",
    explanation:
      "Internal covariate shift asks how the layer's gradient changes because the layers BELOW it changed. Update only the parameters " +
      "with index < layer; the layer itself and everything above keep their values.",
  },
  {
    id: "ics-layers-above",
    name: "updated the layers above instead of below",
    explanation:
      "You updated the layers above the layer (index > layer). The layer's inputs come from the layers below (index < layer): those are the ones to update.",
  },
  {
    id: "ics-all-layers-updated",
    name: "every layer updated (the next step's gradient)",
    explanation:
      "You compared with the gradient after a full SGD step of every parameter. Santurkar et al.'s definition updates only the layers below " +
      "(index < layer), so that the difference measures the shift of the layer's input alone.",
  },
  {
    id: "ics-dot-not-cosine",
    name: "dot product instead of cosine",
    explanation:
      "The cosine is the dot product divided by both lengths: ⟨G, G'⟩ / (‖G‖·‖G'‖), a number in [−1, 1] that ignores how large the gradients are.",
  },
  {
    id: "ghost-whole-batch",
    name: "statistics over the whole batch",
    explanation:
      "You normalized with the mean and variance of the whole batch: that is plain batch norm. Ghost batch norm takes them over each ghost batch " +
      "of virtualBatchSize consecutive rows separately.",
  },
  {
    id: "ghost-strided",
    name: "ghost batches interleaved",
    explanation:
      "Your ghost batches interleave the rows (every k-th row). A ghost batch is a block of virtualBatchSize CONSECUTIVE rows: rows 0…v−1, v…2v−1, …",
  },
  {
    id: "ghost-remainder-skipped",
    name: "the last, smaller ghost batch left out",
    explanation:
      "When the batch size is not a multiple of virtualBatchSize, the rows left over form a last, smaller ghost batch (as torch.chunk does); " +
      "normalize them with their own statistics too.",
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

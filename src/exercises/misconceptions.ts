/**
 * The mistakes an exercise checker recognises and names (shared/COURSE.md, "Misconceptions an
 * exercise checker must recognise and name"), plus a few close relatives the checkers also catch.
 * A checker may replace the explanation with a sentence about its own exercise.
 */

export interface Misconception {
  id: MisconceptionId;
  /** A few words, e.g. "unbiased variance used to normalize". */
  name: string;
  /** What the mistake is and what is right, in one or two sentences addressed to the learner. */
  explanation: string;
}

/** The catalogue: each mistake's id, with a few words naming it and an explanation for the learner. */
const CATALOGUE = {
  // from the course plan
  "wrong-axis": {
    name: "statistics over the wrong axis",
    explanation:
      "Your statistics are taken per example (across the features of each row, axis 1). Batch norm takes them per feature, " +
      "over the examples of the batch (down each column, axis 0): μ and σ² are 1×D rows, e.g. x.meanRows().",
  },
  "unbiased-variance": {
    name: "unbiased variance used to normalize",
    explanation:
      "Your variance divides by N−1 (the unbiased estimate): batch norm normalizes with the biased variance, dividing by N.",
  },
  "biased-running-variance": {
    name: "biased variance stored in the running variance",
    explanation:
      "Your running variance is updated with the biased batch variance (divided by N). PyTorch normalizes with the biased " +
      "variance but stores the unbiased one, N/(N−1)·σ², in running_var.",
  },
  "eps-forgotten": {
    name: "ε forgotten",
    explanation:
      "ε is missing: divide by √(σ² + ε), not by √σ². Without it a feature with (almost) zero variance divides by (almost) zero.",
  },
  "eps-outside-sqrt": {
    name: "ε added outside the square root",
    explanation:
      "ε is added outside the square root, (x − μ)/(σ + ε): batch norm divides by √(σ² + ε). The two differ most for " +
      "features with a small variance.",
  },
  "gamma-beta-swapped": {
    name: "γ and β swapped",
    explanation: "γ and β are swapped: γ scales and β shifts, y = γ·x̂ + β (not β·x̂ + γ).",
  },
  "affine-before-normalize": {
    name: "γ and β applied before normalizing",
    explanation:
      "γ and β are applied before normalizing, so the normalization undoes them. Normalize first, then y = γ·x̂ + β.",
  },
  "momentum-reversed": {
    name: "momentum convention reversed",
    explanation:
      "Your momentum weights the old value: running = m·running + (1 − m)·batch. In PyTorch's convention momentum is the " +
      "weight of the NEW batch: running = (1 − m)·running + m·batch, so 0.1 moves 10% of the way.",
  },
  "running-updated-in-eval": {
    name: "running statistics updated in eval mode",
    explanation:
      "The running statistics changed in evaluation mode. Only training updates them; evaluation only reads them.",
  },
  "batch-stats-in-eval": {
    name: "batch statistics used in eval mode",
    explanation:
      "In evaluation mode you normalize with the statistics of the batch. Evaluation uses the running averages, so an " +
      "example's output does not depend on the other examples in its batch (and a single example works).",
  },
  "backward-constant-stats": {
    name: "backward pass treats μ and σ² as constants",
    explanation:
      "Your dx is dy·γ/√(σ² + ε), as if μ and σ² were constants. In training they are functions of the whole batch, so dx " +
      "has two more terms: dx = (N·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)) / (N·√(σ² + ε)), with dx̂ = dy·γ.",
  },
  "forgot-eval": {
    name: "forgetting eval() before measuring test accuracy",
    explanation:
      "The model was still in training mode while you measured accuracy: batch norm used the test batch's statistics (and " +
      "updated its running averages with test data). Call model.eval() before evaluating.",
  },
  "batch-of-one": {
    name: "BN applied to a batch of one in training mode",
    explanation:
      "A batch of one cannot be normalized in training: its variance is 0, so x̂ = 0 whatever the input. PyTorch raises an " +
      "error (\"Expected more than 1 value per channel when training\"), and so should you.",
  },
  // close relatives
  "backward-missing-mean-term": {
    name: "backward pass omits the term through μ",
    explanation:
      "Your dx omits the path through μ: it is missing −Σdx̂ (the sum over the batch of dx̂ = dy·γ), divided by N·√(σ² + ε).",
  },
  "backward-missing-variance-term": {
    name: "backward pass omits the term through σ²",
    explanation:
      "Your dx omits the path through σ²: it is missing −x̂·Σ(dx̂·x̂), divided by N·√(σ² + ε).",
  },
  "variance-std-confusion": {
    name: "variance and standard deviation confused",
    explanation: "A variance is used where a standard deviation belongs (or the other way round): σ = √σ².",
  },
  "affine-missing": {
    name: "γ and β not applied",
    explanation: "You return x̂: the output is y = γ·x̂ + β.",
  },
  "running-stats-in-training": {
    name: "running statistics used in training mode",
    explanation:
      "In training mode you normalize with the running averages. Training normalizes with the batch's own μ and σ² (and then " +
      "updates the running averages with them).",
  },
  "mode-not-restored": {
    name: "model left in evaluation mode",
    explanation:
      "The model was left in evaluation mode: the next training step would normalize with the running statistics and stop " +
      "updating them. Call model.train() again when you are done (or save model.training and restore it).",
  },
  "cumulative-off-by-one": {
    name: "cumulative average off by one",
    explanation:
      "With momentum = null the running value is the plain average of all batches so far: the k-th batch gets weight 1/k, " +
      "where k counts this batch (num_batches_tracked after it is incremented).",
  },
  "mean-spread-one-over-b": {
    name: "spread of the batch mean shrinks like 1/B",
    explanation:
      "The standard deviation of a mean of B independent samples is σ/√B, not σ/B: its variance is σ²/B. Four times the " +
      "batch halves the noise.",
  },
  "mean-spread-constant": {
    name: "spread of the batch mean does not shrink",
    explanation:
      "σ is the spread of one sample. The mean of B independent samples is less noisy: its standard deviation is σ/√B.",
  },
  // generic: any exercise
  "mutates-input": {
    name: "input modified in place",
    explanation:
      "Your function modified one of its inputs in place. Leave the inputs untouched and return new matrices (sub, mul, map " +
      "return new ones; the …InPlace methods and .data[…] = … do not).",
  },
  "infinite-loop": {
    name: "the function never returns",
    explanation: "Your function did not return within the time limit — an infinite loop? Check every loop's condition and that its counter changes.",
  },
  "returns-input": {
    name: "the input returned unchanged",
    explanation: "Your function returns its input unchanged (or a copy of it): the exercise asks for a computed result.",
  },
  "ignores-argument": {
    name: "an argument ignored (a value hard-coded)",
    explanation:
      "Your function ignores one of its arguments and uses a fixed value instead (e.g. ε = 1e-5 or momentum = 0.1 written in " +
      "the code): use the argument you are given, the checker varies it.",
  },
  "constant-output": {
    name: "the same answer whatever the input",
    explanation: "Your function returns the same answer for different inputs: it must compute the result from its arguments.",
  },
  "demo-values-hard-coded": {
    name: "values copied from the lesson's demo",
    explanation:
      "Your answer is the lesson's demo result, hard-coded: the checker uses other inputs. Compute the result from the arguments.",
  },
  "swapped-fields": {
    name: "result fields swapped",
    explanation: "Two fields of your result are swapped: each value is right but stored under the other's name.",
  },
  "transposed-output": {
    name: "transposed result",
    explanation:
      "Your result has the right values laid out transposed (a column where a row belongs, or D×N for N×D). Per-feature " +
      "quantities are 1×D rows; outputs have the shape of x.",
  },
  "accuracy-not-fraction": {
    name: "accuracy as a count or a percentage",
    explanation: "An accuracy is a fraction between 0 and 1: the number of correct predictions divided by the number of examples (not the count, not ×100).",
  },
  // normalization and its backward pass
  "centered-not-normalized": {
    name: "x − μ without dividing by the spread",
    explanation: "You subtract the mean but do not divide: x̂ = (x − μ)/√(σ² + ε), so every feature ends up with variance (about) 1.",
  },
  "backward-sum-not-mean": {
    name: "sums where the backward pass needs means",
    explanation:
      "The two correction terms are MEANS over the batch: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε). You used the sums " +
      "Σdx̂ and Σ(dx̂·x̂) without dividing by N.",
  },
  "backward-times-std": {
    name: "multiplies by σ instead of dividing",
    explanation: "x̂ = (x − μ)/√(σ² + ε), so ∂x̂/∂x carries a factor 1/√(σ² + ε): divide by it, do not multiply.",
  },
  "backward-centered-not-normalized": {
    name: "x − μ where x̂ belongs",
    explanation:
      "The term through σ² uses the NORMALIZED input x̂ = (x − μ)/√(σ² + ε), in both places: −x̂·mean(dx̂·x̂). You used x − μ.",
  },
  "backward-sign-error": {
    name: "a sign error in the backward pass",
    explanation: "Both correction terms are SUBTRACTED: dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε). One of your signs is flipped.",
  },
  "backward-no-std": {
    name: "the division by √(σ² + ε) missing",
    explanation: "The whole bracket is divided by √(σ² + ε) (the chain rule through x̂ = (x − μ)/√(σ² + ε)); yours is not.",
  },
  // running statistics, modes, guards
  "running-replaced-by-batch": {
    name: "running statistics replaced by the batch's",
    explanation:
      "You store the batch's statistics as the new running ones: the running average blends them, running = (1 − m)·running + m·batch.",
  },
  "running-not-updated": {
    name: "running statistics not updated",
    explanation: "The running statistics did not change in a training step: training normalizes with the batch AND updates the running averages.",
  },
  "prediction-not-argmax": {
    name: "the predicted class is not the argmax",
    explanation: "The predicted class of an example is the index of its LARGEST output (argmax over the classes of its row), compared with its label.",
  },
  "guard-off-by-one": {
    name: "the guard refuses a batch of 2",
    explanation: "A batch of 2 can be normalized (its variance is not 0): refuse only a batch of ONE example (x.rows < 2), in training mode.",
  },
  "guard-always-throws": {
    name: "the guard refuses every batch",
    explanation: "Your guard throws for batches that are fine: refuse only a batch of one example in training mode.",
  },
  "guard-returns-instead-of-throwing": {
    name: "the guard returns instead of throwing",
    explanation:
      "Your guard returns a value for a batch of one instead of throwing: the caller ignores it and normalizes anyway. Throw an Error with a helpful message.",
  },
  "guard-unhelpful-message": {
    name: "the guard's error says nothing",
    explanation:
      "Your guard throws, but not an Error with a message a person can act on: throw new Error(\"…\") saying what is wrong (a batch of one in training mode) and how to fix it (a batch of 2 or more, or eval()).",
  },
  "mean-spread-grows": {
    name: "spread of the batch mean grows with B",
    explanation: "Averaging more examples makes the mean LESS noisy: its standard deviation is σ/√B, not σ·√B.",
  },
  "mean-spread-unbiased": {
    name: "σ/√(B − 1) for the batch mean",
    explanation: "The standard deviation of a mean of B independent samples is exactly σ/√B (its variance is σ²/B): no N − 1 correction here.",
  },
  // capstone: steps to a target
  "steps-train-accuracy": {
    name: "training accuracy instead of test accuracy",
    explanation: "You used the training accuracy: the target is about history.eval.testAccuracy, measured on held-out digits.",
  },
  "steps-index-not-step": {
    name: "the index of the evaluation, not its step",
    explanation:
      "Your answer is the position of the evaluation in history.eval.testAccuracy. Evaluations happen every few steps: return history.eval.step[i].",
  },
  "steps-off-by-one": {
    name: "off by one evaluation",
    explanation: "Your answer is the evaluation just before or just after the first one that reaches the target: return that evaluation's own step.",
  },
  "steps-strict-inequality": {
    name: "> instead of ≥",
    explanation: "An accuracy exactly equal to the target reaches it: compare with ≥, not >.",
  },
  "steps-no-null": {
    name: "no null when the target is never reached",
    explanation:
      "When no evaluation reaches the target, return null (not -1, 0, undefined, Infinity or the last step): a run that never gets there must not look like a fast one.",
  },
  "steps-assumes-rising": {
    name: "assumes the accuracy only rises",
    explanation:
      "Test accuracy goes up AND down: the answer is the FIRST evaluation with accuracy ≥ target, not the last one below it plus one, the best one or the last one.",
  },
  // capstone: the BN network
  "bn-missing": {
    name: "no batch norm in a hidden layer",
    explanation: "Every hidden layer needs its own BatchNorm1d between the Linear and the Sigmoid.",
  },
  "bn-after-activation": {
    name: "batch norm after the activation",
    explanation:
      "Ioffe & Szegedy normalize x = Wu, the sigmoid's INPUT, so that it stays in the sigmoid's sensitive range: Linear → BatchNorm1d → Sigmoid.",
  },
  "bn-on-logits": {
    name: "batch norm on the logits",
    explanation: "The last layer is a plain Linear that outputs the 10 logits; BN goes inside the hidden layers only.",
  },
  "linear-bias-before-bn": {
    name: "a Linear bias right before batch norm",
    explanation:
      "BN subtracts the batch mean, which cancels any bias b exactly (its gradient is always 0), and β already shifts: use new Linear(in, out, { bias: false, … }).",
  },
  "wrong-activation": {
    name: "the wrong activation",
    explanation: "Figure 1's network uses Sigmoid after every hidden layer.",
  },
  "bn-shared-instance": {
    name: "one BatchNorm1d shared by several layers",
    explanation:
      "Each hidden layer needs its OWN BatchNorm1d: a shared one mixes the running statistics and γ, β of different layers. Write new BatchNorm1d(100) for each.",
  },
  "seed-ignored": {
    name: "the seed changes nothing",
    explanation: "Different seeds must give different initial weights: create const rng = new Rng(seed) and pass { init, rng } to every Linear.",
  },
  "tracking-disabled": {
    name: "running statistics not tracked",
    explanation:
      "With trackRunningStats: false, batch norm normalizes with the batch's statistics even in eval mode, so a test prediction depends on the other test examples. Keep the default (true).",
  },
  "wrong-layer-sizes": {
    name: "wrong layer sizes",
    explanation: "The network is 784 → 100 → 100 → 100 → 10: check every Linear's in and out features and every BatchNorm1d's size.",
  },
  "wrong-init-scale": {
    name: "the wrong initial weights",
    explanation: "Draw the weights with { init: normalInit(0.05), rng }: small Gaussian values with standard deviation 0.05, as in the paper.",
  },
  // generic: any exercise
  "sum-not-mean": {
    name: "a sum where the mean belongs",
    explanation: "You sum over the batch where the mean belongs: divide by the number of examples N (x.rows), e.g. meanRows() instead of sumRows().",
  },
  "mean-not-sum": {
    name: "a mean where the sum belongs",
    explanation: "A parameter's gradient adds up the contributions of every example: dγ = Σᵢ dyᵢ·x̂ᵢ and dβ = Σᵢ dyᵢ (sumRows()), not their mean.",
  },
  "sign-error": {
    name: "a sign error",
    explanation: "One sign is flipped: check each + and − against the formula (x − μ, and y = γ·x̂ + β).",
  },
  "variance-not-centered": {
    name: "variance without subtracting the mean",
    explanation: "Your variance is the mean of x², not of (x − μ)²: subtract the mean first (or use E[x²] − μ²).",
  },
  "inverse-scale": {
    name: "the scale inverted",
    explanation: "x̂ was DIVIDED by √(σ² + ε), so γ must MULTIPLY it back by √(σ² + ε): your γ is its inverse, 1/√(σ² + ε).",
  },
  "backward-missing-gamma": {
    name: "γ left out of the backward pass",
    explanation: "y = γ·x̂ + β, so the gradient reaching x̂ is dx̂ = dy·γ: multiply by γ before the normalization's backward pass.",
  },
  "momentum-zero-as-null": {
    name: "momentum 0 treated as null",
    explanation:
      "momentum = 0 is a number (the running statistics stay frozen), not \"no momentum\": test momentum === null (or use ??), not !momentum or ||.",
  },
  // lesson 7: probes of the landscape, gradient ICS, ghost batch norm
  "probe-ascent": {
    name: "stepped up the gradient",
    explanation:
      "Your probe moves to θ + η·g, uphill. Gradient descent, and the paper's probe, move against the gradient: θ' = θ − η·g.",
  },
  "probe-norm-difference": {
    name: "difference of norms instead of norm of the difference",
    explanation:
      "You measured |‖g'‖ − ‖g‖|, which is 0 for a gradient that keeps its length but turns around. The change of the gradient is ‖g' − g‖: " +
      "subtract the vectors first, then take the norm.",
  },
  "probe-loss-difference": {
    name: "the loss change instead of the loss",
    explanation: "losses[k] is the loss at the probe point, L(θ − η_k·g), not its change L(θ') − L(θ) from the starting point.",
  },
  "probe-cumulative-steps": {
    name: "probe steps taken one after another",
    explanation:
      "Each probe must start from the same θ: θ' = θ − η·g for each η on its own. Yours keeps moving from the previous probe point, " +
      "so the k-th probe sits at θ − (η₁ + … + η_k)·g.",
  },
  "beta-per-step-size": {
    name: "β divided by the step size, not the distance",
    explanation:
      "β-smoothness compares the gradient's change with the distance moved, ‖θ' − θ‖ = η·‖g‖, not with η alone: β = max ‖g' − g‖ / (η·‖g‖).",
  },
  "beta-mean-not-max": {
    name: "β averaged instead of maximised",
    explanation:
      "The effective β-smoothness is the WORST case along the probe: the largest ratio ‖g' − g‖ / (η·‖g‖) over the step sizes, not their mean.",
  },
  "ics-own-layer-updated": {
    name: "the layer itself was updated too",
    explanation:
      "Internal covariate shift asks how the layer's gradient changes because the layers BELOW it changed. Update only the parameters " +
      "with index < layer; the layer itself and everything above keep their values.",
  },
  "ics-layers-above": {
    name: "updated the layers above instead of below",
    explanation:
      "You updated the layers above the layer (index > layer). The layer's inputs come from the layers below (index < layer): those are the ones to update.",
  },
  "ics-all-layers-updated": {
    name: "every layer updated (the next step's gradient)",
    explanation:
      "You compared with the gradient after a full SGD step of every parameter. Santurkar et al.'s definition updates only the layers below " +
      "(index < layer), so that the difference measures the shift of the layer's input alone.",
  },
  "ics-dot-not-cosine": {
    name: "dot product instead of cosine",
    explanation:
      "The cosine is the dot product divided by both lengths: ⟨G, G'⟩ / (‖G‖·‖G'‖), a number in [−1, 1] that ignores how large the gradients are.",
  },
  "ghost-whole-batch": {
    name: "statistics over the whole batch",
    explanation:
      "You normalized with the mean and variance of the whole batch: that is plain batch norm. Ghost batch norm takes them over each ghost batch " +
      "of virtualBatchSize consecutive rows separately.",
  },
  "ghost-strided": {
    name: "ghost batches interleaved",
    explanation:
      "Your ghost batches interleave the rows (every k-th row). A ghost batch is a block of virtualBatchSize CONSECUTIVE rows: rows 0…v−1, v…2v−1, …",
  },
  "ghost-remainder-skipped": {
    name: "the last, smaller ghost batch left out",
    explanation:
      "When the batch size is not a multiple of virtualBatchSize, the rows left over form a last, smaller ghost batch (as torch.chunk does); " +
      "normalize them with their own statistics too.",
  },
  "ghost-remainder-merged": {
    name: "the last, smaller ghost batch merged into the one before",
    explanation:
      "Your last ghost batch takes in the rows left over, so it is larger than virtualBatchSize. The leftover rows form a ghost batch of " +
      "their own (as torch.chunk does), normalized with their own statistics.",
  },
  // lesson 8: batch norm in convolutional networks
  "per-position-statistics": {
    name: "statistics per position (over N only)",
    explanation:
      "You computed a separate μ and σ² for every channel AND position (c, h, w), over the N images only — what lesson 1's " +
      "batch norm gives on the N × (C·H·W) flattened batch. A channel is one feature seen at every position: BatchNorm2d " +
      "takes one μ and σ² per channel over all N·H·W numbers.",
  },
  "per-example-statistics": {
    name: "statistics per example (LayerNorm's axes)",
    explanation:
      "You normalized each image over its own C·H·W numbers: that is LayerNorm (GroupNorm with one group). Batch norm " +
      "takes each channel's statistics across the whole batch: over N, H and W.",
  },
  "per-instance-statistics": {
    name: "statistics per image and channel (InstanceNorm's axes)",
    explanation:
      "You normalized each channel of each image over its H·W positions only: that is InstanceNorm. Batch norm also " +
      "pools over the N images: one μ and σ² per channel over N·H·W numbers.",
  },
  "reshape-without-transpose": {
    name: "reshaped to (N·H·W) × C without moving C last",
    explanation:
      "Reading the NCHW memory directly as rows of C numbers mixes channels and positions: a row is C consecutive " +
      "pixels of one channel, not one pixel of C channels. Move C last first (index ((n·H + h)·W + w, c)), normalize " +
      "the columns, and move it back.",
  },
  "fold-mean-forgotten": {
    name: "running mean left out of the folded bias",
    explanation: "Eval-mode BN subtracts running_mean before scaling: the folded bias is s·(b − running_mean) + β, not s·b + β.",
  },
  "fold-bias-unscaled": {
    name: "folded bias not scaled",
    explanation: "BN scales (b − running_mean) by s = γ/√(running_var + ε) too: the folded bias is s·(b − running_mean) + β.",
  },
  "fold-running-stats-ignored": {
    name: "running statistics left out of the fold",
    explanation:
      "Your fold uses μ = 0 and σ² = 1 (a fresh layer's buffers) instead of the trained running_mean and running_var: eval-mode BN " +
      "normalizes with the running statistics, so s = γ/√(running_var + ε) and b' = s·(b − running_mean) + β.",
  },
  "output-size-padding-once": {
    name: "padding counted on one side",
    explanation: "Padding adds zeros on BOTH sides of the axis: the padded size is size + 2·padding.",
  },
  "output-size-off-by-one": {
    name: "the first position not counted",
    explanation:
      "(size + 2·padding − k)/stride counts the steps the window can take; the number of positions is one more: " +
      "⌊(size + 2·padding − k)/stride⌋ + 1.",
  },
  "output-size-rounding": {
    name: "output size not rounded down",
    explanation: "A window that would hang over the edge is not used: round (size + 2·padding − k)/stride DOWN, then add 1.",
  },
  "output-size-same-padding": {
    name: "\"same\" padding assumed",
    explanation:
      "⌈size/stride⌉ is the output size only when the padding is chosen to keep it (\"same\" padding). With the padding and kernel " +
      "you are given, the size is ⌊(size + 2·padding − k)/stride⌋ + 1.",
  },
} satisfies Record<string, Omit<Misconception, "id">>;

export type MisconceptionId = keyof typeof CATALOGUE;

/** The catalogue, keyed by id. */
export const MISCONCEPTIONS: Readonly<Record<MisconceptionId, Misconception>> = Object.freeze(
  Object.fromEntries(Object.entries(CATALOGUE).map(([id, m]) => [id, { id, ...m }])) as Record<MisconceptionId, Misconception>,
);

/** All ids, in catalogue order. */
export const MISCONCEPTION_IDS: readonly MisconceptionId[] = Object.keys(CATALOGUE) as MisconceptionId[];

/** True for a catalogue id (an own key: "constructor" or "__proto__" are not ids). */
export function isMisconceptionId(id: unknown): id is MisconceptionId {
  return typeof id === "string" && Object.prototype.hasOwnProperty.call(MISCONCEPTIONS, id);
}

/** The catalogue entry of an id; an unknown id is refused with the list of ids. */
export function misconception(id: MisconceptionId): Misconception {
  if (!isMisconceptionId(id)) {
    throw new RangeError(`misconception: id must be one of the catalogue's ids (${MISCONCEPTION_IDS.join(", ")}), got ${JSON.stringify(id)}`);
  }
  return MISCONCEPTIONS[id];
}

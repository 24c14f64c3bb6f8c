/**
 * L2-regularised logistic regression on standardised features, fitted by Newton's method.
 * With a handful of features the Hessian is tiny, so each step is an exact solve and a fit
 * converges in a few iterations with no learning rate to tune.
 */
export interface LogisticRegression {
  /** Per feature: subtracted, then divided by `scales`, before the weights apply. */
  means: number[];
  scales: number[];
  weights: number[];
  intercept: number;
}

export interface FitOptions {
  /** Penalty on the squared standardised weights (not the intercept): keeps separable data finite. */
  l2: number;
  maxIterations: number;
}

const DEFAULTS: FitOptions = { l2: 1, maxIterations: 100 };

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** log(1 + e^z) without overflow. */
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
const solve = (a: number[][], b: number[]): number[] => {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('Logistic regression: the Hessian is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) y[i] = (b[i]! - dot(l[i]!.slice(0, i), y.slice(0, i))) / l[i]![i]!;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
};

const standardisation = (rows: readonly (readonly number[])[]) => {
  const width = rows[0]!.length;
  const means = Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + row[j]!, 0) / rows.length);
  const scales = means.map((mean, j) => {
    const sd = Math.sqrt(rows.reduce((sum, row) => sum + (row[j]! - mean) ** 2, 0) / rows.length);
    // A constant feature carries nothing; a scale of 1 leaves it at 0 instead of dividing by 0.
    return sd > 1e-12 ? sd : 1;
  });
  return { means, scales };
};

const standardise = (row: readonly number[], means: readonly number[], scales: readonly number[]): number[] =>
  row.map((x, j) => (x - means[j]!) / scales[j]!);

/**
 * Fits the model to rows of features and their labels. Needs at least one example of each
 * label: with one class only the intercept runs off to infinity, so that is refused.
 */
export const fitLogisticRegression = (
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: Partial<FitOptions> = {},
): LogisticRegression => {
  const { l2, maxIterations } = { ...DEFAULTS, ...options };
  const positives = labels.filter(Boolean).length;
  if (rows.length !== labels.length) throw new RangeError('Logistic regression: one label per row');
  if (positives === 0 || positives === labels.length) throw new RangeError('Logistic regression needs examples of both labels');
  const { means, scales } = standardisation(rows);
  // A leading 1 for the intercept, which is left unpenalised.
  const design = rows.map((row) => [1, ...standardise(row, means, scales)]);
  const penalty = design[0]!.map((_, j) => (j === 0 ? 0 : l2));
  const ys = labels.map((label) => (label ? 1 : 0));
  const objective = (beta: number[]) =>
    design.reduce((sum, x, i) => {
      const z = dot(x, beta);
      return sum + softplus(z) - ys[i]! * z;
    }, 0) + 0.5 * beta.reduce((sum, b, j) => sum + penalty[j]! * b * b, 0);

  const rate = positives / labels.length;
  let beta = penalty.map((_, j) => (j === 0 ? Math.log(rate / (1 - rate)) : 0));
  let current = objective(beta);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradient = beta.map((b, j) => penalty[j]! * b);
    const hessian = beta.map((_, j) => beta.map((__, k) => (j === k ? penalty[j]! : 0)));
    design.forEach((x, i) => {
      const p = sigmoid(dot(x, beta));
      const w = p * (1 - p);
      for (let j = 0; j < x.length; j++) {
        gradient[j]! += (p - ys[i]!) * x[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * x[j]! * x[k]!;
      }
    });
    for (let j = 0; j < beta.length; j++) for (let k = j + 1; k < beta.length; k++) hessian[j]![k] = hessian[k]![j]!;
    const step = solve(hessian, gradient);
    // Halve the Newton step until it lowers the objective: far from the optimum a full step can overshoot.
    let t = 1;
    let next = beta.map((b, j) => b - t * step[j]!);
    let value = objective(next);
    while (value > current && t > 1e-8) {
      t /= 2;
      next = beta.map((b, j) => b - t * step[j]!);
      value = objective(next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(t * s)));
    beta = next;
    current = value;
    if (moved < 1e-9) break;
  }
  return { means, scales, weights: beta.slice(1), intercept: beta[0]! };
};

/** The probability of a positive label for one row of features. */
export const predictProbability = (model: LogisticRegression, row: readonly number[]): number =>
  sigmoid(model.intercept + dot(model.weights, standardise(row, model.means, model.scales)));

import ort from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME, readFeatureNames } from './logistic-regression-onnx.js';

/**
 * A show-up model exported by `toOnnx`, scored by onnxruntime. Loaded from bytes in memory
 * (a stored model), never from a path or the network.
 */
export class OnnxForecastModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The columns each row must hold, in order, as the model file names them. */
    readonly featureNames: string[],
  ) {}

  /**
   * One intra-op thread: a batch of forecasts is a few thousand multiply-adds, less than
   * waking a second thread costs, and the machine's two cores are shared with the face workers.
   * Basic optimisations only: at `extended`, onnxruntime folds a one-element `scales` into
   * MatMul as a float32 `alpha`, and a one-feature model drifts from TypeScript by ~1e-9.
   */
  static async load(bytes: Uint8Array): Promise<OnnxForecastModel> {
    const featureNames = readFeatureNames(bytes);
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'basic',
    });
    // The metadata and the graph are written together; a file where they disagree is not one of ours.
    const input = session.inputMetadata.find((value) => value.name === INPUT_NAME);
    const width = input?.isTensor ? input.shape.at(-1) : undefined;
    if (input?.isTensor !== true || input.type !== 'float64' || width !== featureNames.length || !session.outputNames.includes(OUTPUT_NAME)) {
      await session.release();
      throw new Error(
        `The ONNX model is not a show-up forecast: it needs a float64 input '${INPUT_NAME}' of ${featureNames.length} features and an output '${OUTPUT_NAME}'`,
      );
    }
    return new OnnxForecastModel(session, featureNames);
  }

  /** The show-up probability of each row of features, in the order of `featureNames`. */
  async probabilities(rows: readonly (readonly number[])[]): Promise<Float64Array> {
    const width = this.featureNames.length;
    const mismatch = rows.findIndex((row) => row.length !== width);
    if (mismatch >= 0)
      throw new RangeError(
        `Row ${mismatch} has ${rows[mismatch]!.length} features; the model expects ${width} (${this.featureNames.join(', ')})`,
      );
    // onnxruntime would answer [0, 1] too, but a native call (and a hop off the event loop) for nothing is skipped.
    if (rows.length === 0) return new Float64Array(0);
    const features = new Float64Array(rows.length * width);
    rows.forEach((row, i) => features.set(row, i * width));
    const result = await this.session.run({ [INPUT_NAME]: new ort.Tensor('float64', features, [rows.length, width]) });
    // Shape [rows, 1]: its data is one probability per row, in order.
    return result[OUTPUT_NAME]!.data as Float64Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

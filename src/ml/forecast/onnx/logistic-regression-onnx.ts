import type { LogisticRegression } from '../logistic-regression.js';

/**
 * The show-up model as an ONNX file, so that any ONNX runtime can score it and a stored file
 * says which features it expects.
 *
 * The protobuf is written by hand: the model needs seven ONNX messages and four wire types.
 * `onnx-proto`, the npm package for this, is a CommonJS build of ONNX 1.10's schema on the
 * legacy protobufjs 6 line (an install script to allow, a second protobufjs beside the 7 we
 * already have, an audit this registry cannot answer), which is more to trust than the
 * hundred lines here, whose output the spec checks by loading it into onnxruntime.
 * Field numbers are those of onnx/onnx.proto.
 */

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'probability';
/** The metadata_props key holding the feature names, in column order, as a JSON array. */
export const FEATURE_NAMES_KEY = 'feature_names';
export const PRODUCER_NAME = 'rollcall';

/** IR 8 with opset 17 (ONNX 1.12): long supported by onnxruntime, and every op here is older. */
const IR_VERSION = 8;
const OPSET_VERSION = 17;
/** TensorProto.DataType.DOUBLE: onnxruntime's CPU kernels for these five ops all take doubles, so scores match TypeScript's. */
const DOUBLE = 11;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** One protobuf message being written: fields are appended in the order given. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private rawVarint(value: number): void {
    // Only sizes, versions and enum values go through here: small non-negative integers.
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`ONNX export: ${value} is not a varint this writer handles`);
    const bytes: number[] = [];
    while (value >= 0x80) {
      bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    bytes.push(value);
    this.chunks.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  varint(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  /** A packed repeated double: fixed 64-bit little-endian IEEE 754, so every bit of each number is kept. */
  packedDoubles(field: number, values: readonly number[]): this {
    const data = new DataView(new ArrayBuffer(values.length * 8));
    values.forEach((value, i) => data.setFloat64(i * 8, value, true));
    return this.bytes(field, new Uint8Array(data.buffer));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** TensorProto: dims 1, data_type 2, name 8, double_data 10. */
const doubleTensor = (name: string, dims: readonly number[], values: readonly number[]): ProtoWriter => {
  const tensor = new ProtoWriter();
  for (const dim of dims) tensor.varint(1, dim);
  return tensor.varint(2, DOUBLE).string(8, name).packedDoubles(10, values);
};

/**
 * ValueInfoProto (name 1, type 2) of a double tensor; TypeProto.tensor_type 1 → elem_type 1,
 * shape 2 → dim 1 → dim_value 1 | dim_param 2.
 */
const doubleValueInfo = (name: string, shape: readonly (number | string)[]): ProtoWriter => {
  const tensorShape = new ProtoWriter();
  for (const dim of shape)
    tensorShape.message(1, typeof dim === 'number' ? new ProtoWriter().varint(1, dim) : new ProtoWriter().string(2, dim));
  const tensorType = new ProtoWriter().varint(1, DOUBLE).message(2, tensorShape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
};

/** NodeProto: input 1, output 2, name 3, op_type 4 (default domain: the ONNX operators). */
const node = (opType: string, inputs: readonly string[], output: string): ProtoWriter => {
  const writer = new ProtoWriter();
  for (const input of inputs) writer.string(1, input);
  return writer.string(2, output).string(3, output).string(4, opType);
};

const checkedModel = (model: LogisticRegression, featureNames: readonly string[]): void => {
  const width = featureNames.length;
  if (width === 0) throw new RangeError('ONNX export: the model needs at least one feature');
  if (new Set(featureNames).size !== width || featureNames.some((name) => name === ''))
    throw new RangeError('ONNX export: feature names must be distinct and not empty');
  for (const [part, values] of [['means', model.means], ['scales', model.scales], ['weights', model.weights]] as const)
    if (values.length !== width) throw new RangeError(`ONNX export: ${values.length} ${part} for ${width} feature names`);
  const numbers = [...model.means, ...model.scales, ...model.weights, model.intercept];
  if (!numbers.every(Number.isFinite)) throw new RangeError('ONNX export: the model has a parameter that is not a finite number');
  if (model.scales.some((scale) => scale === 0)) throw new RangeError('ONNX export: a scale of 0 would divide by zero');
};

/**
 * The model as the bytes of an ONNX ModelProto: input `features` [batch, F] of doubles, output
 * `probability` [batch, 1], computed in the order `predictProbability` does:
 * sigmoid(((features − means) / scales) · weights + intercept).
 */
export const toOnnx = (model: LogisticRegression, featureNames: readonly string[]): Uint8Array => {
  checkedModel(model, featureNames);
  const width = featureNames.length;

  // GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12.
  const graph = new ProtoWriter()
    .message(1, node('Sub', [INPUT_NAME, 'means'], 'centred'))
    .message(1, node('Div', ['centred', 'scales'], 'standardised'))
    .message(1, node('MatMul', ['standardised', 'weights'], 'weighted'))
    .message(1, node('Add', ['weighted', 'intercept'], 'logit'))
    .message(1, node('Sigmoid', ['logit'], OUTPUT_NAME))
    .string(2, 'attendance_forecast')
    .message(5, doubleTensor('means', [width], model.means))
    .message(5, doubleTensor('scales', [width], model.scales))
    .message(5, doubleTensor('weights', [width, 1], model.weights))
    .message(5, doubleTensor('intercept', [1], [model.intercept]))
    .string(10, 'L2 logistic regression on standardised features: the probability that a confirmed attendee shows up')
    .message(11, doubleValueInfo(INPUT_NAME, ['batch', width]))
    .message(12, doubleValueInfo(OUTPUT_NAME, ['batch', 1]));

  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (OperatorSetIdProto: version 2), metadata_props 14 (key 1, value 2).
  return new ProtoWriter()
    .varint(1, IR_VERSION)
    .string(2, PRODUCER_NAME)
    .message(7, graph)
    .message(8, new ProtoWriter().varint(2, OPSET_VERSION))
    .message(14, new ProtoWriter().string(1, FEATURE_NAMES_KEY).string(2, JSON.stringify(featureNames)))
    .finish();
};

/** Reads a varint at `offset` of `bytes`; returns it and where the next field starts. */
const readVarint = (bytes: Uint8Array, offset: number): [value: number, next: number] => {
  let value = 0;
  let factor = 1;
  for (let i = offset; i < bytes.length && i < offset + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * factor;
    factor *= 0x80;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new Error('Not an ONNX model: a truncated or malformed varint');
};

/** The length-delimited fields of one message, by field number, other wire types skipped. */
const lengthDelimitedFields = (bytes: Uint8Array): Map<number, Uint8Array[]> => {
  const fields = new Map<number, Uint8Array[]>();
  let offset = 0;
  while (offset < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, offset);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === WIRE_VARINT) offset = readVarint(bytes, afterTag)[1];
    else if (wireType === WIRE_FIXED64) offset = afterTag + 8;
    else if (wireType === WIRE_FIXED32) offset = afterTag + 4;
    else if (wireType === WIRE_LENGTH_DELIMITED) {
      const [length, start] = readVarint(bytes, afterTag);
      offset = start + length;
      if (offset > bytes.length) break;
      fields.set(field, [...(fields.get(field) ?? []), bytes.subarray(start, offset)]);
    } else throw new Error(`Not an ONNX model: wire type ${wireType} at byte ${offset}`);
  }
  if (offset !== bytes.length) throw new Error('Not an ONNX model: a field runs past the end of the bytes');
  return fields;
};

/**
 * The feature names a model file says it expects, from its metadata_props. onnxruntime's
 * JavaScript API does not expose a model's metadata, so they are read from the bytes.
 */
export const readFeatureNames = (bytes: Uint8Array): string[] => {
  const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
  for (const entry of lengthDelimitedFields(bytes).get(14) ?? []) {
    const fields = lengthDelimitedFields(entry);
    const [key, value] = [fields.get(1)?.at(-1), fields.get(2)?.at(-1)];
    if (!key || utf8Decoder.decode(key) !== FEATURE_NAMES_KEY) continue;
    const names: unknown = JSON.parse(value ? utf8Decoder.decode(value) : 'null');
    if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string'))
      throw new Error(`The ONNX model's ${FEATURE_NAMES_KEY} is not a list of names`);
    return names;
  }
  throw new Error(`The ONNX model does not name its features (no ${FEATURE_NAMES_KEY} in its metadata)`);
};

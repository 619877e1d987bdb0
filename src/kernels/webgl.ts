// Fused KAF kernels for tfjs's `webgl` backend: nothing of size N x D stored. Forward: each output
// element sums its unit's D basis functions against alpha. Backward: dx in one pass (dy times the
// slope sum), dalpha in two (partial sums over tiles of rows, then over the tiles: a float32 sum
// over all rows in one fragment lost 2e-5 at 50,176 rows). Float32 textures; the dictionary as
// the native kernels have it (float32 values); special values as the native kernels give them.
//
// On WebGL 2 the dictionary, gamma and the row counts are uniforms and the shapes too (tfjs's
// customUniforms, enableShapeUniforms): one program per kernel, D and basis function serves every
// batch size and option set. WebGL 1 (constant loop bounds only) gets them as constants.
import * as tf from '@tensorflow/tfjs-core';

import { LIMITS } from '../limits';
import { float32Dictionary } from './basis';
import { Kaf, type KafAttrs, KafGrad } from './names';

interface CustomUniform {
  name: string;
  type: 'float' | 'int';
  arrayIndex?: number;
}
/** The part of tfjs-backend-webgl's MathBackendWebGL (and its program type) these kernels use. */
interface WebGLProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  enableShapeUniforms?: boolean;
  customUniforms?: CustomUniform[];
}
interface WebGLBackend {
  runWebGLProgram(program: WebGLProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType, customUniformValues?: number[][]): tf.TensorInfo;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

/** A GLSL float literal. */
const glsl = (value: number): string => {
  const text = Math.fround(value).toPrecision(9);
  return /[.e]/.test(text) ? text : `${text}.0`;
};

/**
 * A program's values: uniforms (WebGL 2: declared in customUniforms, set per run) or constants
 * written into the shader text (WebGL 1).
 */
class ProgramValues {
  readonly uniforms: CustomUniform[] = [];
  readonly values: number[][] = [];
  constructor(readonly asUniforms: boolean) {}
  /** GLSL for an int value. */
  int(name: string, value: number): string {
    return this.add(name, 'int', [value], String(value));
  }
  /** GLSL for a float value. */
  float(name: string, value: number): string {
    return this.add(name, 'float', [value], glsl(value));
  }
  /** GLSL declaring `name[length]` (a constant array on WebGL 1); reads are `name[i]`. */
  floatArray(name: string, values: ArrayLike<number>): string {
    if (this.asUniforms) {
      this.uniforms.push({ name, type: 'float', arrayIndex: values.length });
      this.values.push(Array.from(values, Math.fround));
      return '';
    }
    return `const float ${name}[${values.length}] = float[${values.length}](${Array.from(values, glsl).join(', ')});`;
  }
  private add(name: string, type: 'float' | 'int', value: number[], literal: string): string {
    if (!this.asUniforms) return literal;
    this.uniforms.push({ name, type });
    this.values.push(value);
    return name;
  }
}

/** GLSL: the dictionary DICT, prepare(x) and k(t), dk/dt of the attrs' basis function. */
function basisCode(v: ProgramValues, attrs: KafAttrs, dictSize: number): string {
  const dictionary = v.floatArray('DICT', float32Dictionary(attrs.boundary, dictSize));
  const g = attrs.kernel === 'gaussian' ? v.float('gammaValue', attrs.gamma) : '';
  const basis =
    attrs.kernel === 'relu'
      ? 'k = max(t, 0.0); dk = t > 0.0 ? 1.0 : 0.0;'
      : attrs.kernel === 'softplus'
        ? 'float u = exp(-abs(t)); k = max(t, 0.0) + log(1.0 + u); dk = (t >= 0.0 ? 1.0 : u) / (1.0 + u);'
        : `k = exp(-${g} * t * t); dk = -2.0 * ${g} * t * k;`;
  // The gaussian clamps |x| first (LIMITS.gaussianInputClamp, as the native kernels): at x = +-Inf
  // the slope is 0, not Inf * 0.
  const prepare = attrs.kernel === 'gaussian' ? `isnan(x) ? x : clamp(x, -${glsl(LIMITS.gaussianInputClamp)}, ${glsl(LIMITS.gaussianInputClamp)})` : 'x';
  return `
    ${dictionary}
    float prepare(float x) { return ${prepare}; }
    void basis(float t, out float k, out float dk) {
      // NaN in gives NaN out: GLSL leaves max() and exp() of a NaN undefined (SwiftShader's exp
      // gives +Inf).
      if (isnan(t)) { k = t; dk = t; return; }
      ${basis}
    }`;
}

const useUniforms = (): boolean => tf.env().getNumber('WEBGL_VERSION') === 2;

interface Built {
  program: WebGLProgram;
  values: number[][];
}

function build(v: ProgramValues, program: WebGLProgram): Built {
  return {
    program: { ...program, ...(v.asUniforms ? { enableShapeUniforms: true, customUniforms: v.uniforms } : {}) },
    values: v.values,
  };
}

// y = sum_i alpha_i k(x - d_i) (forward), or dx = dy * sum_i alpha_i dk(x - d_i): one output element
// per thread, its unit's D basis functions summed in registers.
function pointwiseProgram(output: 'y' | 'dx', rows: number, units: number, dictSize: number, attrs: KafAttrs): Built {
  const v = new ProgramValues(useUniforms());
  const basis = basisCode(v, attrs, dictSize);
  return build(v, {
    variableNames: output === 'y' ? ['X', 'Alpha'] : ['X', 'Alpha', 'Dy'],
    outputShape: [rows, units],
    userCode: `${basis}
    void main() {
      ivec2 c = getOutputCoords();
      float x = prepare(getX(c.x, c.y));
      float s = 0.0;
      for (int i = 0; i < ${dictSize}; i++) {
        float k, dk;
        basis(x - DICT[i], k, dk);
        s += getAlpha(c.y, i) * ${output === 'y' ? 'k' : 'dk'};
      }
      setOutput(${output === 'y' ? 's' : 'getDy(c.x, c.y) * s'});
    }`,
  });
}

/** Rows per tile of the dalpha reduction: about sqrt(rows), so that both passes sum as few terms. */
export const dalphaTileRows = (rows: number): number => Math.max(1, Math.ceil(Math.sqrt(rows)));

// dalpha, pass 1: partial[t, n * D + i] = sum over the rows of tile t of dy[r, n] k(x[r, n] - d_i).
function dalphaTilesProgram(rows: number, tileRows: number, units: number, dictSize: number, attrs: KafAttrs): Built {
  const v = new ProgramValues(useUniforms());
  const basis = basisCode(v, attrs, dictSize);
  const [rowCount, perTile] = [v.int('rowCount', rows), v.int('tileRows', tileRows)];
  return build(v, {
    variableNames: ['X', 'Dy'],
    outputShape: [Math.ceil(rows / tileRows), units * dictSize],
    userCode: `${basis}
    void main() {
      ivec2 c = getOutputCoords();
      int n = c.y / ${dictSize};
      float d = DICT[c.y - n * ${dictSize}];
      int first = c.x * ${perTile};
      float s = 0.0;
      for (int j = 0; j < ${perTile}; j++) {
        int r = first + j;
        if (r >= ${rowCount}) break;
        float k, dk;
        basis(prepare(getX(r, n)) - d, k, dk);
        s += getDy(r, n) * k;
      }
      setOutput(s);
    }`,
  });
}

// dalpha, pass 2: the tiles' partial sums, in tile order.
function dalphaSumProgram(tiles: number, units: number, dictSize: number): Built {
  const v = new ProgramValues(useUniforms());
  const tileCount = v.int('tileCount', tiles);
  return build(v, {
    variableNames: ['Partial'],
    outputShape: [units, dictSize],
    userCode: `
    void main() {
      ivec2 c = getOutputCoords();
      int column = c.x * ${dictSize} + c.y;
      float s = 0.0;
      for (int t = 0; t < ${tileCount}; t++) s += getPartial(t, column);
      setOutput(s);
    }`,
  });
}

function run(gl: WebGLBackend, built: Built, inputs: tf.TensorInfo[]): tf.TensorInfo {
  return gl.runWebGLProgram(built.program, inputs, 'float32', built.values.length > 0 ? built.values : undefined);
}

/** TensorInfo as [rows, units] (or back), through the backend's own Reshape kernel. */
function reshape(info: tf.TensorInfo, shape: number[], backend: unknown): tf.TensorInfo {
  const kernel = tf.getKernel('Reshape', 'webgl');
  return kernel.kernelFunc({ inputs: { x: info }, backend: backend as tf.KernelBackend, attrs: { shape } }) as tf.TensorInfo;
}

const size = tf.util.sizeFromShape;

export const webglKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: Kaf,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gl = backend as unknown as WebGLBackend;
      const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
      const [units, dictSize] = alpha.shape;
      const rows = units === 0 ? 0 : size(x.shape) / units;
      if (rows === 0) return gl.makeTensorInfo(x.shape, 'float32', new Float32Array(0));
      const x2 = reshape(x, [rows, units], backend);
      const y2 = run(gl, pointwiseProgram('y', rows, units, dictSize, attrs as unknown as KafAttrs), [x2, alpha]);
      const y = reshape(y2, x.shape, backend);
      gl.disposeIntermediateTensorInfo(x2);
      gl.disposeIntermediateTensorInfo(y2);
      return y;
    },
  },
  {
    kernelName: KafGrad,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const gl = backend as unknown as WebGLBackend;
      const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
      const [units, dictSize] = alpha.shape;
      const rows = units === 0 ? 0 : size(x.shape) / units;
      const a = attrs as unknown as KafAttrs;
      if (rows === 0) {
        return [gl.makeTensorInfo(x.shape, 'float32', new Float32Array(0)), gl.makeTensorInfo(alpha.shape, 'float32', new Float32Array(size(alpha.shape)))];
      }
      const x2 = reshape(x, [rows, units], backend);
      const dy2 = reshape(dy, [rows, units], backend);
      const dx2 = run(gl, pointwiseProgram('dx', rows, units, dictSize, a), [x2, alpha, dy2]);
      const tileRows = dalphaTileRows(rows);
      const partial = run(gl, dalphaTilesProgram(rows, tileRows, units, dictSize, a), [x2, dy2]);
      const dalpha = run(gl, dalphaSumProgram(partial.shape[0], units, dictSize), [partial]);
      const dx = reshape(dx2, x.shape, backend);
      for (const t of [x2, dy2, dx2, partial]) gl.disposeIntermediateTensorInfo(t);
      return [dx, dalpha];
    },
  },
];

// Layer factories, mirroring tf.layers: layers.kaf({...}), layers.kaf2d({...}).
import { KAF, type KAFLayerArgs } from './kaf_layer';
import { KAF2D, type KAF2DLayerArgs } from './kaf2d_layer';

export const layers = {
  /** A KAF activation layer (see KAF). */
  kaf: (args?: KAFLayerArgs): KAF => new KAF(args),
  /** A two-dimensional KAF layer (see KAF2D). */
  kaf2d: (args?: KAF2DLayerArgs): KAF2D => new KAF2D(args),
};

export { KAF, KAF2D };
export type { KAFLayerArgs } from './kaf_layer';
export type { KAF2DLayerArgs } from './kaf2d_layer';
export {
  ACTIVATION_NAMES,
  type ActivationName,
  DEFAULT_RIDGE_EPS,
  KafRidge,
  type KafRidgeConfig,
  RIDGE_INIT_TOLERANCE,
  ridgeInit,
  type RidgeInitOptions,
} from './init';
export type { AlphaInitializer, KafLayerBase, KafLayerBaseArgs } from './kaf_base';

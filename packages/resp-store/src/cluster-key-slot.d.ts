// cluster-key-slot 1.1.1, the version ioredis pins (so one copy is installed), ships no types.
// The module's own shape is a default export, which the style rule against default exports is not about.
/* eslint-disable no-restricted-syntax */
declare module "cluster-key-slot" {
  /** The Cluster hash slot (0-16383) of a key, honouring `{hash tags}`. */
  export default function calculateSlot(key: string | Buffer): number;
}

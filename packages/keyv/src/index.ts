export { KeyvStowage, type KeyvStowageOptions } from "./keyv-stowage.js";

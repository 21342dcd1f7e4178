export type {
  ClusterNode,
  RunningCluster,
  RunningServer,
  ServerKind,
  ServerVia,
  StartClusterOptions,
  StartServerOptions,
} from "./running-server.js";
export { startServer } from "./start-server.js";
export { startCluster } from "./start-cluster.js";
export { sendCommand } from "./send-command.js";
export type { RespReply, SendCommandOptions } from "./send-command.js";

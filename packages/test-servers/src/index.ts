export type {
  ClusterNode,
  RunningCluster,
  RunningSentinel,
  RunningServer,
  SentinelNode,
  ServerKind,
  ServerVia,
  StartClusterOptions,
  StartSentinelOptions,
  StartServerOptions,
} from "./running-server.js";
export { startServer } from "./start-server.js";
export { startCluster } from "./start-cluster.js";
export { startSentinel } from "./start-sentinel.js";
export { sendCommand } from "./send-command.js";
export type { RespReply, SendCommandOptions } from "./send-command.js";
export { raceNodeProcesses, startNodeProcess } from "./node-process.js";
export type { NodeProcess, StartNodeProcessOptions } from "./node-process.js";
export { assertFreshBuilds } from "./fresh-builds.js";
export { listenOnLoopback, closeHttpServer } from "./http-server.js";

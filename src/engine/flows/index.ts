/** The flow engine's public surface, for the HTTP layer and the CLI. */
export { FlowEngine, QUEUED_MESSAGE, type FlowEngineOptions, type StartRequest } from './flow-engine.js';
export { parseFlowInput, describeFlowInput, type RequestBody } from './input.js';
export { InputError, FlowStateError, FlowInputValidationError, type InputProblem } from './errors.js';
export type { FlowInput, PluginInput, EngineFlow, EngineLogger, EvaluationContext } from './types.js';

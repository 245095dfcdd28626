export { maskEmail } from "./mask-email";
export {
  dueStage,
  evolveRequest,
  failedStage,
  foldRequest,
  initialRequestState,
  type RequestState,
} from "./request-state";
export type { RequestStateReader } from "./request-state-reader";

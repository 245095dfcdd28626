export {
  dueStage,
  evolveRequest,
  failedStage,
  foldRequest,
  initialRequestState,
  type RequestState,
} from "./request-state";

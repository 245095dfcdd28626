/** Subject layout: one subject per request, so per-request optimistic concurrency works on 2.9. */
export interface SubjectLayout {
  stream: string;
  deadLetterStream: string;
  /** Subject filter that matches every event. */
  allEvents: string;
  eventsOf(requestId: string): string;
  deadLetter(consumer: string, requestId: string): string;
  allDeadLetters: string;
  redrive(consumer: string, requestId: string): string;
  redriveOf(consumer: string): string;
}

/** Derives every stream and subject name from the stream name and subject prefix. */
export function subjectLayout(stream: string, prefix: string): SubjectLayout {
  return {
    stream,
    deadLetterStream: `${stream}_DLQ`,
    allEvents: `${prefix}.events.>`,
    eventsOf: (requestId) => `${prefix}.events.${requestId}`,
    deadLetter: (consumer, requestId) => `${prefix}.dlq.${consumer}.${requestId}`,
    allDeadLetters: `${prefix}.dlq.>`,
    redrive: (consumer, requestId) => `${prefix}.redrive.${consumer}.${requestId}`,
    redriveOf: (consumer) => `${prefix}.redrive.${consumer}.>`,
  };
}

import type { DirectMsgRequest, StoredMsg } from "@nats-io/jetstream";
import { captionProduced, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "./codec";
import { type DirectGet, HistoryBehindError, readHistory } from "./read-history";

const SUBJECT = "test.events.r";

/** A replica's copy of one subject: direct gets answered from the messages it has. */
function replica(messages: { seq: number; data: Uint8Array }[]): DirectGet {
  return async (query: DirectMsgRequest) => {
    const q = query as { seq?: number; next_by_subj?: string; last_by_subj?: string };
    const m = q.last_by_subj ? messages.at(-1) : messages.find((x) => x.seq >= (q.seq ?? 0));
    return m ? ({ seq: m.seq, data: m.data } as unknown as StoredMsg) : null;
  };
}

/** Direct gets answered by a lagging replica for the first `stale` reads of the last message, then by one up to date. */
function lagging(behind: DirectGet, current: DirectGet, stale: number): DirectGet {
  let lasts = 0;
  let answeredBy = behind;
  return async (query) => {
    if ("last_by_subj" in query) answeredBy = ++lasts <= stale ? behind : current;
    return answeredBy(query);
  };
}

describe("readHistory (direct gets that a lagging replica may answer)", () => {
  const id = newRequestId();
  const submitted = imageSubmitted(id);
  const captioned = captionProduced(submitted);
  const log = [
    { seq: 3, data: encodeEvent(submitted).payload },
    { seq: 7, data: encodeEvent(captioned).payload },
  ];

  it("reads again until the history reaches the position it was told is there", async () => {
    // The trigger is CaptionProduced at 7; the first answer comes from a replica that has only 3.
    const get = lagging(replica(log.slice(0, 1)), replica(log), 2);
    const history = await readHistory(get, SUBJECT, 7, "request r");
    expect(history.version).toBe(7);
    expect(history.events.map((s) => s.event.type)).toEqual(["ImageSubmitted", "CaptionProduced"]);
  });

  it("never returns a history that ends before that position: it fails as transient instead", async () => {
    const get = replica(log.slice(0, 1));
    await expect(readHistory(get, SUBJECT, 7, "request r")).rejects.toBeInstanceOf(HistoryBehindError);
    expect((await readHistory(get, SUBJECT, 3, "request r")).version).toBe(3);
  });

  it("reads a history again when replicas disagree in the middle of it (a hole)", async () => {
    let nexts = 0;
    const full = replica(log);
    const get: DirectGet = async (query) => {
      // the message after the first one is asked of a replica that does not have it yet, once
      if ("next_by_subj" in query && (query as { seq: number }).seq > 3 && ++nexts === 1) return null;
      return full(query);
    };
    expect((await readHistory(get, SUBJECT, 0, "request r")).version).toBe(7);
  });
});

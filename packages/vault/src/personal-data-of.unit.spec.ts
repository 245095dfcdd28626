import { causedBy, newEvent } from "@reimagine/contracts";
import { fixtureVault, imageSubmitted, newRequestId } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { personalDataOf } from "./personal-data-of";

describe("personalDataOf", () => {
  const URL = "https://nina.example.net/hook?token=s3cret";

  it("opens the webhook URL sealed with the address", async () => {
    const id = newRequestId();
    const submitted = imageSubmitted(id, { email: "nina@example.com", webhookUrl: URL });
    expect(submitted.data).toMatchObject({ webhookSealed: true });
    expect(submitted.data).not.toHaveProperty("webhookUrl");
    expect(await personalDataOf(fixtureVault, [submitted])).toEqual({
      email: "nina@example.com",
      webhookUrl: URL,
    });
  });

  it("gives the clear URL of an event written before it was sealed, and nothing once erased", async () => {
    const id = newRequestId();
    const submitted = imageSubmitted(id, { email: "nina@example.com" });
    const legacy = { ...submitted, data: { ...submitted.data, webhookUrl: URL } };
    expect(await personalDataOf(fixtureVault, [legacy])).toEqual({
      email: "nina@example.com",
      webhookUrl: URL,
    });
    const erasure = newEvent(
      "ErasureCompleted",
      id,
      { requestedBy: "ops", keyErased: true, removed: [], clearTextInLog: true },
      causedBy(legacy),
    );
    expect(await personalDataOf(fixtureVault, [legacy, erasure])).toBeNull();
    // the key alone gone (an erasure under way): the clear URL is not given out either
    const other = newRequestId();
    const before = imageSubmitted(other, { email: "nina@example.com" });
    await fixtureVault.forget(other);
    expect(
      await personalDataOf(fixtureVault, [{ ...before, data: { ...before.data, webhookUrl: URL } }]),
    ).toBeNull();
  });
});

import { foldRequest } from "@reimagine/contracts";
import { newRequestId, requestFlow } from "@reimagine/testing";
import { describe, expect, it } from "vitest";
import { notificationMail } from "./notification-mail";

const options = {
  from: "reimagine <no-reply@mail.reimagine.test>",
  publicBaseUrl: "https://reimagine.example.com",
};

function generatedState(caption: string) {
  const id = newRequestId();
  return foldRequest(id, requestFlow("generated", id, new Date(), { caption }));
}

describe("notificationMail", () => {
  it("addresses the person, links the image and the status, and marks the message automatic", () => {
    const state = generatedState("a red fox in the snow");
    const id = state.requestId;
    const { mail, recipientDomain } = notificationMail(state, "Nina@Example.COM", options);

    expect(recipientDomain).toBe("example.com");
    expect(mail).toMatchObject({
      from: options.from,
      to: "Nina@example.com",
      subject: "Your reimagined image is ready: a red fox in the snow",
      messageId: `<${id}.notification@mail.reimagine.test>`,
      headers: { "Auto-Submitted": "auto-generated", "X-Reimagine-Request-Id": id },
    });
    expect(mail.text).toContain(`https://reimagine.example.com/api/v1/request/${id}/image`);
    expect(mail.text).toContain(`https://reimagine.example.com/r/${id}\n`);
    expect(mail.html).toContain(`href="https://reimagine.example.com/api/v1/request/${id}/image"`);
    expect(mail.html).toContain("a red fox in the snow");
  });

  it("renders the same message for the same request every time (a resend is byte-for-byte the same mail)", () => {
    const state = generatedState("a cat");
    const mail = () => notificationMail(state, "nina@example.com", options);
    expect(mail()).toEqual(mail());
  });
});

import type { SendMailOptions } from "nodemailer";
import type { OutgoingMail } from "./mail-transport";

/** What nodemailer composes for one mail, to the one already-validated recipient address. */
export function nodemailerMessage(mail: OutgoingMail, address: string): SendMailOptions {
  return {
    from: mail.from,
    to: address,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: mail.headers,
  };
}

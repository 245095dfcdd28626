import { setTimeout as sleep } from "node:timers/promises";
import { chaosScenarios } from "../harness";

chaosScenarios("the SMTP server refusing connections for 10 s mid-load", [
  {
    name: "smtp refusing 10 s",
    fault: async (env) => {
      // new connections refused; a transaction already under way finishes (cut mid-DATA, a server
      // may keep a message whose 250 never arrived: RFC 1047's duplicate, another scenario's fault)
      await env.smtpProxy.close({ cutOpen: false });
      await sleep(10_000);
      await env.smtpProxy.open();
    },
  },
]);

import { createInMemoryKvRecordStore } from "@reimagine/eventstore";
import { KeyRecord } from "./key-records";
import { createVault } from "./vault";
import { vaultContract } from "./vault.contract";

vaultContract("in-memory vault", async () => {
  const records = createInMemoryKvRecordStore({ schema: KeyRecord });
  return { vault: createVault(records), other: async () => createVault(records) };
});

import { contractData, contractLegacy, leaseStoreContract } from "./lease-store.contract";
import { createInMemoryLeaseStore } from "./open-lease-store";

const store = createInMemoryLeaseStore({ data: contractData, legacy: contractLegacy });

leaseStoreContract(
  "in memory",
  async () => store,
  async (key, value) => {
    // the legacy format is planted the way an old release wrote it: as a record the upcaster reads
    await store.create(key, contractLegacy.parse(value));
  },
);

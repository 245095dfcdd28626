import { claimStoreContract } from "./claim-store.contract";
import { createInMemoryClaimStore } from "./in-memory-claim-store";

claimStoreContract("in memory", async () => createInMemoryClaimStore());

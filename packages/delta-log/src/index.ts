/**
 * @packageDocumentation
 * The Delta Lake transaction protocol in TypeScript: log replay, snapshots, scans, transactions, checkpoints — pure over the weir Engine.
 */
export {};

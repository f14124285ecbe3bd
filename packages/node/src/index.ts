/**
 * @packageDocumentation
 * The default Node.js Engine for weir: durable fs Storage, @dsnp/parquetjs Parquet, msgpackr Codec, system Clock.
 */
export {};

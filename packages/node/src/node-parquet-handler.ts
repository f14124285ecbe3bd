import { CoreErrors, type ParquetFileMetadata, type ParquetHandler, type RowBatch } from '@weir/core';

// TEMPORARY (lands in the next commit): the @dsnp/parquetjs implementation.
export class NodeParquetHandler implements ParquetHandler {
  async write(_batch: RowBatch): Promise<Uint8Array> {
    throw notYet();
  }
  async read(_data: Uint8Array): Promise<RowBatch> {
    throw notYet();
  }
  async readMetadata(_data: Uint8Array): Promise<ParquetFileMetadata> {
    throw notYet();
  }
}

function notYet(): Error {
  return CoreErrors.INTERNAL_ERROR({ reason: 'NodeParquetHandler is not implemented yet', package: '@weir/node' });
}

// The append worker: owns the write connection, so each durable COMMIT (an fsync) blocks this
// thread instead of the one answering HTTP requests.
import { parentPort, workerData } from 'node:worker_threads';
import { importSqliteQuietly } from './quiet-import.ts';
import type { WorkerReply, WorkerRequest } from './writer-thread.ts';

// node:sqlite first, without its ExperimentalWarning; the writer's static import then finds it loaded.
await importSqliteQuietly();
const { EventWriter } = await import('./event-writer.ts');
const { file, writer: id } = workerData as { file: string; writer: string };
const writer = new EventWriter(file, id);

parentPort!.on('message', (message: WorkerRequest) => {
  if (message.type === 'close') {
    // Closing checkpoints the WAL; on a full disk that can fail, and the process must still exit.
    try {
      writer.close();
    } catch {}
    parentPort!.close();
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { id: message.id, ...writer.append(message.events) };
  } catch (error) {
    reply = { id: message.id, error: (error as Error).message, errcode: (error as { errcode?: number }).errcode };
  }
  parentPort!.postMessage(reply);
});

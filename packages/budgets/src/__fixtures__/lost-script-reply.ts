import type { Redis } from "ioredis";

/**
 * Makes the next script (EVALSHA) sent through `redis` run in Redis while its caller is told it
 * failed with `message`: a reply lost after the script ran, with no re-send (what ioredis does
 * to the unanswered commands of an auto-pipelined batch when the connection drops, or to a
 * command it gave up on). Set `loseNextScriptReply` to true before the call; it resets itself.
 */
export function loseScriptReplies(redis: Redis, message: string): { loseNextScriptReply: boolean } {
  const faults = { loseNextScriptReply: false };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }) => {
    const result = send(command as never) as Promise<unknown>;
    if (!faults.loseNextScriptReply || command.name !== "evalsha") return result;
    faults.loseNextScriptReply = false;
    return result.then(() => {
      throw new Error(message);
    });
  }) as typeof redis.sendCommand;
  return faults;
}

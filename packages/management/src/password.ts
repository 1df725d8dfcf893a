import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** UI login passwords: scrypt with a random salt, stored as `scrypt$<salt>$<hash>`. */
export function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, (error, hash) => {
      if (error) reject(error);
      else resolve(`scrypt$${salt.toString("base64url")}$${hash.toString("base64url")}`);
    });
  });
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return Promise.resolve(false);
  const expected = Buffer.from(hash, "base64url");
  return new Promise((resolve, reject) => {
    scrypt(password, Buffer.from(salt, "base64url"), expected.length, (error, actual) => {
      if (error) reject(error);
      else resolve(timingSafeEqual(actual, expected));
    });
  });
}

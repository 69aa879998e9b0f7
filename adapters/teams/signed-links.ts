/**
 * Signed download links for files a Teams bot cannot post in a chat (a file needs the
 * file-consent flow and OneDrive, and a message over about 28 KB is refused): the card links to
 * `GET <path>/<token>` on our own HTTP server. The token carries its parts (ids, a hash, a file
 * name) and an expiry, signed with HMAC-SHA-256 under a key derived from the bot's app password
 * and the link's purpose (shared by replicas; a link of one purpose is never accepted by
 * another), or a random per-process key without a password.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';

/** What a kind of link is. */
export interface SignedLinkOptions {
  /** Names the kind of link in the key derivation, e.g. `soa download`. */
  purpose: string;
  /** The route, e.g. `/api/soa`. */
  path: string;
  /** How long a link works, in milliseconds. */
  ttlMs: number;
  /** The public base URL, when there is one. */
  publicUrl: () => string | undefined;
  /** The app password the key derives from; undefined gives a per-process key. */
  secret: string | undefined;
}

/** A verified token's parts, or why it is refused (404: not ours or malformed; 410: expired). */
export type VerifiedLink = { parts: string[] } | { status: 404 | 410 };

/** Makes and checks the links of one purpose. */
export interface SignedLinks {
  /** The link naming `parts` (each `[A-Za-z0-9-]`, at most 64 characters), or null without a public URL. */
  link(parts: ReadonlyArray<string | number>, now: Date): string | null;
  /** Checks a token against the signature and the expiry at `now`. */
  verify(token: string, now: Date): VerifiedLink;
}

const PART = /^[A-Za-z0-9-]{1,64}$/;
const b64 = (buf: Buffer) => buf.toString('base64url');

/** Links of one purpose. */
export function createSignedLinks(o: SignedLinkOptions): SignedLinks {
  const key = o.secret ? createHash('sha256').update(`aimsbot ${o.purpose}\n${o.secret}`).digest() : randomBytes(32);
  const sign = (payload: string) => b64(createHmac('sha256', key).update(payload).digest());
  return {
    link(parts, now) {
      const base = o.publicUrl()?.replace(/\/+$/, '');
      if (!base) return null;
      const texts = parts.map(String);
      if (texts.some((p) => !PART.test(p))) throw new Error(`signed link part not allowed in ${o.path}`);
      const payload = [...texts, Math.floor((now.getTime() + o.ttlMs) / 1000)].join('.');
      return `${base}${o.path}/${payload}.${sign(payload)}`;
    },
    verify(token, now) {
      const pieces = String(token).split('.');
      if (pieces.length < 3 || pieces.length > 12) return { status: 404 };
      const sig = pieces.pop()!;
      const expiry = pieces[pieces.length - 1]!;
      if (!/^[A-Za-z0-9_-]{43}$/.test(sig) || !/^\d{1,12}$/.test(expiry) || pieces.slice(0, -1).some((p) => !PART.test(p))) return { status: 404 };
      const given = Buffer.from(sig, 'base64url');
      const wanted = Buffer.from(sign(pieces.join('.')), 'base64url');
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { status: 404 };
      if (Number(expiry) * 1000 < now.getTime()) return { status: 410 };
      return { parts: pieces.slice(0, -1) };
    },
  };
}

/** Answers a refused link in plain text, never cached. */
export function refuseLink(res: Response, status: number, text: string): void {
  res.status(status).type('text/plain').set('cache-control', 'no-store').send(text);
}

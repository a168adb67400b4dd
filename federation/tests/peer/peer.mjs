// A real ActivityPub server nobody here wrote (Fedify), run on loopback by federation/tests/test_peer.py.
//
//   node peer.mjs <our site URL> <an author page URL> <port>
//
// It discovers the site actor and the author by WebFinger (by URL: acct: lookups need https),
// fetches both actors, follows both with signed Follows, and prints one JSON line per event.
// Fedify calls an inbox listener only for a request whose HTTP signature it verified against
// the sender's key (fetched from us), so every Accept/Create/Update/Delete/Announce line printed
// is a verified one. Anything it refuses shows as a {"type":"refused"} line from its logger.
import http from "node:http";
import {
  Accept, Announce, Create, Delete, Endpoints, Follow, MemoryKvStore, Person, Update,
  createFederation, generateCryptoKeyPair, lookupWebFinger,
} from "@fedify/fedify";
import { configure, getConsoleSink } from "@logtape/logtape";

const [, , siteUrl, authorUrl, portArg] = process.argv;
const port = Number(portArg);
const origin = `http://127.0.0.1:${port}`;
const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

await configure({
  sinks: {
    lines: (record) => {
      if (record.level === "error" || record.level === "warning") {
        emit({ type: "log", level: record.level, message: record.message.map(String).join("") });
      }
    },
    console: getConsoleSink(),
  },
  loggers: [
    { category: ["fedify"], sinks: ["lines"], lowestLevel: "warning" },
    { category: ["logtape", "meta"], sinks: ["console"], lowestLevel: "error" },
  ],
});

const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
const keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== "peer") return null;
    const [pair] = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify peer",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: pair.cryptographicKey,
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "peer" ? [keys] : []));

const describe = async (activity) => {
  let object = null;
  try {
    object = await activity.getObject();
  } catch {
    object = null;
  }
  return {
    type: activity.constructor.name,
    actor: activity.actorId?.href,
    object: activity.objectId?.href ?? object?.id?.href ?? null,
    objectType: object?.constructor?.name ?? null,
    name: object?.name?.toString() ?? null,
    content: object?.content?.toString() ?? null,
  };
};

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, async (_ctx, activity) => emit({ ...(await describe(activity)), verified: true }))
  .on(Create, async (_ctx, activity) => emit({ ...(await describe(activity)), verified: true }))
  .on(Update, async (_ctx, activity) => emit({ ...(await describe(activity)), verified: true }))
  .on(Delete, async (_ctx, activity) => emit({ ...(await describe(activity)), verified: true }))
  .on(Announce, async (_ctx, activity) => emit({ ...(await describe(activity)), verified: true }));

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const hasBody = !["GET", "HEAD"].includes(req.method);
  const request = new Request(new URL(req.url, origin), {
    method: req.method,
    headers: Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]),
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
  const response = await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("not found", { status: 404 }),
    onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
  });
  if (hasBody && response.status >= 400) emit({ type: "refused", status: response.status, path: req.url });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
emit({ type: "listening", origin });

const ctx = federation.createContext(new URL(origin), undefined);
let n = 0;
for (const url of [siteUrl, authorUrl]) {
  const jrd = await lookupWebFinger(url, { allowPrivateAddress: true });
  const self = jrd?.links?.find((link) => link.rel === "self");
  const actor = self ? await ctx.lookupObject(self.href) : null;
  emit({
    type: "discovered", resource: url, subject: jrd?.subject ?? null, id: actor?.id?.href ?? null,
    actorType: actor?.constructor?.name ?? null, username: actor?.preferredUsername?.toString() ?? null,
  });
  if (!actor) continue;
  n += 1;
  await ctx.sendActivity(
    { identifier: "peer" },
    actor,
    new Follow({ id: new URL(`${origin}/follows/${n}`), actor: ctx.getActorUri("peer"), object: actor.id }),
  );
  emit({ type: "followed", id: actor.id.href });
}

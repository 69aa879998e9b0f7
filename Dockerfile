# aimsbot: runs `aimsbot start` — every adapter whose settings are present (Slack, Teams) plus the
# scheduled jobs; with no chat settings it opens the shell. The TypeScript is compiled into dist/ while
# the image is built (bin/build.js), so a start does not compile it.
FROM node:20-slim
WORKDIR /app
# Chart labels (resvg) and the management review PDF (pdfkit) are drawn with a system font.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    AIMS_DATA_DIR=/data \
    PORT=3000
COPY package.json package-lock.json ./
# postinstall applies these fixes to dependencies (patch-package); npm ci fails without them.
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY flows ./flows
COPY db ./db
COPY tsconfig.json ./
# The compiled CLI that bin/aimsbot.js runs; without it (or when a source changed since) it would
# run the TypeScript through tsx, compiling it at every start.
RUN node bin/build.js
# The migrated template new embedded data directories are copied from (db/embedded-template.ts):
# made here, where node_modules is writable, so the first start on a new /data volume is quick.
RUN node bin/prepare-embedded.js
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/aimsbot.js"]
CMD ["start"]

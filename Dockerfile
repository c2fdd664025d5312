# segmentql service image. Build: docker build -t segmentql .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 # Build the default offline embedding model into the image so containers start without network.
 && node dist/scripts/build-model.js --models-dir /app/models \
 && npm prune --omit=dev

FROM node:24-bookworm-slim
# A container must listen on all interfaces to be reachable through its published port (the service's
# own default without API keys is 127.0.0.1). Configure API_KEYS or API_KEYS_FILE: see README, Security.
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0 DATA_DIR=/data MODELS_DIR=/app/models
WORKDIR /app
COPY --from=build /app /app
VOLUME ["/data"]
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]

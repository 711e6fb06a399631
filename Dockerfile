# firebook in a container, for hosts without Node.js.
#   docker build -t firebook .
#   docker run --rm -v "$PWD:/work" -v "$HOME/.ssh/known_hosts:/home/node/.ssh/known_hosts:ro" \
#     firebook run playbooks/site.yml -i inventory/hosts.yml
# Reports land in ./reports (the mounted folder). See README, "Install".

# Stage 1: compile and pack the package exactly as `npm pack` ships it (package.json "files").
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/copy-assets.mjs scripts/build-validators.mjs scripts/
COPY src src
COPY schemas schemas
COPY playbooks playbooks
COPY templates templates
COPY README.md LICENSE bundle-map.yml ./
RUN npm run build && mkdir /pack && npm pack --ignore-scripts --pack-destination /pack

# Stage 2: the packed package and its runtime dependencies only; no compiler, no sources.
FROM node:20-bookworm-slim
# openssh-client: ssh-keyscan and ssh-keygen -F to inspect and fill known_hosts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-client \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /pack/ /tmp/pack/
# --ignore-scripts: ssh2's optional native crypto build needs a compiler; its pure-JS path is used.
RUN npm install -g --ignore-scripts --no-audit --no-fund /tmp/pack/firebook-*.tgz \
 && rm -rf /tmp/pack /root/.npm \
 && mkdir /work && chown node:node /work
ENV NODE_ENV=production
# The image's unprivileged user (uid 1000); known_hosts goes in /home/node/.ssh/.
USER node
WORKDIR /work
ENTRYPOINT ["firebook"]
CMD ["--help"]

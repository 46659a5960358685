# The billchain gateway, for docker-compose.yml (docs/DEPLOY.md). The contracts' compiled
# artifacts are in the repository, so the image needs no Solidity compiler and no Node.js.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY chain chain
COPY gateway gateway
COPY artifacts artifacts
# Editable: the package finds artifacts/ beside its source (chain/compile.py).
RUN pip install -e '.[postgres]' \
    && useradd --system --uid 10001 --home-dir /data billchain \
    && mkdir -p /data && chown billchain /data
USER billchain
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["billchain"]
CMD ["serve", "--host=0.0.0.0", "--port=8000", "--data-dir=/data"]

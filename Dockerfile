# The billchain gateway, for docker-compose.yml (docs/DEPLOY.md). The image installs the wheel, as a
# bank would: the compiled contracts and the scenario library are package data inside it, so the
# image needs no Solidity compiler, no Node.js and no source tree.
FROM python:3.11.11-slim-bookworm AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY chain chain
COPY gateway gateway
COPY billchain_tools billchain_tools
COPY billchain_client billchain_client
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=wheel /wheels /wheels
RUN pip install "$(ls /wheels/billchain-*.whl)[postgres]" \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data billchain \
    && mkdir -p /data && chown billchain /data
USER billchain
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["billchain"]
CMD ["serve", "--host=0.0.0.0", "--port=8000", "--data-dir=/data"]

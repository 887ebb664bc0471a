# pleo-render in a container: a Debian build stage that compiles the
# statically linked binary and runs the whole test suite (as a non-root
# user), and a small Debian runtime stage that runs it as a non-root user.
# The binary, /usr/local/bin/pleo-render, runs in any Linux image, so the
# image also serves as the init container that copies it into Argo CD's
# repo-server (environments/argocd/kustomize-tool).
#
#   docker build -t pleo-render:0.1.0 .
#   docker run --rm -v "$PWD:/src:ro" pleo-render:0.1.0 /src/environments/minikube

FROM debian:bookworm AS build
COPY tools/bootstrap /tmp/bootstrap
RUN /tmp/bootstrap && rm /tmp/bootstrap && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 builder
COPY --chown=builder . /src
USER builder
WORKDIR /src
RUN cmake -S . -B /tmp/build -DCMAKE_BUILD_TYPE=Release -DPLEO_STATIC=ON \
 && cmake --build /tmp/build -j"$(nproc)" \
 && ctest --test-dir /tmp/build --output-on-failure -j"$(nproc)" \
 && cmake --install /tmp/build --prefix /tmp/install

FROM debian:bookworm-slim
COPY --from=build /tmp/install/bin/pleo-render /usr/local/bin/pleo-render
COPY --from=build /tmp/install/share /usr/local/share
RUN ln -s pleo-render /usr/local/bin/kustomize \
 && useradd --no-create-home --uid 10001 --shell /usr/sbin/nologin pleo
USER 10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/pleo-render"]
CMD ["--help"]

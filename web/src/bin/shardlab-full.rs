//! Entry point of the full module, fetched on first use by the lite page (`shardlab_web::modules`).

fn main() {
    shardlab_web::start();
}

//! Entry point of the playground's first download (built without the `full` feature: `crate::modules`).

fn main() {
    shardlab_web::start();
}

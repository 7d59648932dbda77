//! Entry point of the playground: mounts the app on `<body>`.

fn main() {
    yew::Renderer::<shardlab_web::App>::new().render();
}

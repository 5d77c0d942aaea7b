//! Tests of code that calls the API, without the API: the `mock` feature's typed
//! `MockServer`, and a `Hook` that records every attempt (metrics, logging, signing).
//!
//! ```sh
//! cargo run -p mountsea-suno --features mock --example mock_and_hooks
//! ```

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::sync::{Arc, Mutex};

    use mountsea_suno::mock::MockServer;
    use mountsea_suno::reqwest::{Request, StatusCode};
    use mountsea_suno::runtime::{AttemptInfo, Hook};
    use mountsea_suno::types::{CreateCustomModelDto, TaskIdDto};
    use mountsea_suno::HeaderMap;

    /// Counts attempts per operation and signs each request with a header.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Hook for Recorder {
        fn before_attempt(&self, info: &AttemptInfo<'_>, request: &mut Request) {
            request
                .headers_mut()
                .insert("x-signature", "demo".parse().expect("a header value"));
            self.0.lock().unwrap().push(format!(
                "{} {} {} (attempt {})",
                info.operation, info.method, info.path_template, info.attempt
            ));
        }
        fn after_response(&self, info: &AttemptInfo<'_>, status: StatusCode, _: &HeaderMap) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{} -> {status}", info.operation));
        }
    }

    let server = MockServer::start().await;
    let body = CreateCustomModelDto::new(
        "15c257ff-43f7-4678-bd41-202ad6b8488b".parse()?,
        ["c1", "c2", "c3", "c4", "c5", "c6"]
            .map(String::from)
            .to_vec(),
        "My voice",
    )?;
    // Answer this exact body (in the generated types) once, with a task id.
    server
        .custom_model_create()
        .with_body(&body)
        .times(1)
        .respond(TaskIdDto::new("task-1"))
        .await;

    let recorder = Arc::new(Recorder::default());
    let client = server
        .client()
        .with_bearer_auth("test-token")
        .with_hook(recorder.clone());
    let task = client.custom_model_create(&body).await?.into_inner();
    assert_eq!(task.task_id, "task-1");

    for line in recorder.0.lock().unwrap().iter() {
        println!("{line}");
    }
    Ok(())
}

#[cfg(not(feature = "mock"))]
fn main() {
    eprintln!("this example needs the mock feature: --features mock");
}

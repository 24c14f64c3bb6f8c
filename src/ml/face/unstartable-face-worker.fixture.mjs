// A stand-in for face-worker.mjs that dies before it is ready, as one without its models would.
throw new Error('The models are not here');

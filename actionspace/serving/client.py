"""`OpenAIEngine`: any OpenAI-compatible endpoint (``actionspace serve``, vLLM, a hosted model) as an engine.

`actionspace eval --policy openai:http://127.0.0.1:8000/v1` drives an environment through it. Requests for
a batch go out concurrently, so the server can batch them. With vLLM behind the endpoint, the generated
token ids come back too (its ``return_token_ids`` extension), so rollouts can be scored by a learner.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from actionspace.core.config import ConfigError
from actionspace.serving.engine import Generation, SamplingParams


class OpenAIEngine:
    """Args:
    base_url: the endpoint's ``/v1`` URL.
    model: the served model (or LoRA adapter) name; by default the first one the endpoint lists.
    api_key: the server's key, if it has one.
    concurrency: requests in flight at once.
    timeout_s: per-request timeout.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        concurrency: int = 16,
        timeout_s: float = 120.0,
    ) -> None:
        from openai import OpenAI

        self.client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout_s, max_retries=2)
        self.concurrency = concurrency
        if model is None:
            try:
                models = self.client.models.list().data
            except Exception as error:  # connection refused, bad key: say which endpoint failed
                raise ConfigError(f"cannot list models at {base_url}: {error}") from error
            if not models:
                raise ConfigError(f"the endpoint {base_url} serves no model")
            model = models[0].id
        self.model = model

    @classmethod
    def from_spec(cls, spec: str, *, api_key: str | None = None) -> OpenAIEngine:
        """``openai:URL`` or ``openai:URL#MODEL`` (as ``--policy`` takes it)."""
        url, _, model = spec.removeprefix("openai:").partition("#")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"--policy openai: expects openai:http(s)://HOST:PORT/v1[#MODEL], got {spec!r}")
        return cls(url, model=model or None, api_key=api_key)

    # ----------------------------------------------------------------------------------------------
    def generate(self, prompts: list[str], params: SamplingParams) -> list[Generation]:
        """Completions of already-rendered prompts."""
        return self._map(lambda prompt: self._complete(prompt, params), prompts)

    def chat(self, conversations: list[list[dict[str, str]]], params: SamplingParams) -> list[Generation]:
        """Chat completions: the server applies the model's chat template."""
        return self._map(lambda messages: self._chat(messages, params), conversations)

    def _map(self, call: Any, items: list[Any]) -> list[Generation]:
        if len(items) <= 1:
            return [call(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(call, items))

    def _options(self, params: SamplingParams) -> dict[str, Any]:
        return {
            "model": self.model,
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "extra_body": {"return_token_ids": True, "skip_special_tokens": True},
        }

    def _complete(self, prompt: str, params: SamplingParams) -> Generation:
        response = self.client.completions.create(prompt=prompt, logprobs=0, **self._options(params))
        choice = response.choices[0]
        logprobs = list(choice.logprobs.token_logprobs or []) if choice.logprobs else []
        return _generation(choice.text, getattr(choice, "token_ids", None), logprobs, choice.finish_reason)

    def _chat(self, messages: list[dict[str, str]], params: SamplingParams) -> Generation:
        chat_messages: Any = messages  # plain role/content dicts are what the API takes
        response = self.client.chat.completions.create(messages=chat_messages, logprobs=True, **self._options(params))
        choice: Any = response.choices[0]
        content = choice.logprobs.content if choice.logprobs and choice.logprobs.content else []
        return _generation(
            choice.message.content or "",
            getattr(choice, "token_ids", None),
            [t.logprob for t in content],
            choice.finish_reason,
        )


def _generation(text: str, token_ids: list[int] | None, logprobs: list[float], finish_reason: str | None) -> Generation:
    finish: Literal["stop", "length"] = "length" if finish_reason == "length" else "stop"
    return Generation(text, list(token_ids or []), [float(x) for x in logprobs], finish)

// Starts GraphiQL on this server's own endpoint: queries and mutations over
// HTTP, subscriptions over graphql-transport-ws. A token goes into the
// Headers tab as {"Authorization": "Bearer <token>"}.
(function () {
  var url = new URL("/graphql", window.location.href);
  var subscriptionUrl = new URL(url.href);
  subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({
    url: url.href,
    subscriptionUrl: subscriptionUrl.href,
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
